import { defineCommand } from '../command.js';

export const migrate = defineCommand({
  name: 'migrate',
  summary: 'apply the database migrations not applied yet (creates the embedded database if needed)',
  options: {},
  mayCreateDatabase: true,
  run(context) {
    const { applied } = context;
    return { json: { applied }, text: applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date' };
  },
});
