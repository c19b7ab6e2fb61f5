import type { CliContext } from '../context.js';

export async function migrateCommand(context: CliContext): Promise<{ json: object; text: string }> {
  const { applied } = context;
  return { json: { applied }, text: applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date' };
}
