// Forward-only SQL migrations from migrations/, applied by node-pg-migrate under its advisory lock.
// Several instances starting together wait for each other instead of failing.
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';

export async function migrate(pool: pg.Pool, projectRoot: string): Promise<string[]> {
  const client = await pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: join(projectRoot, 'migrations'),
      migrationsTable: 'schema_migrations',
      direction: 'up',
      checkOrder: true,
      advisoryLockMode: 'wait',
      log: () => undefined,
    });
    return applied.map((migration) => migration.name);
  } finally {
    client.release();
  }
}
