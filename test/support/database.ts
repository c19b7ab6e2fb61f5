// Each test file gets its own fresh, migrated database: a new database on the Postgres server named by
// DATABASE_URL, or, without it, an in-memory embedded PGlite of its own.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { findProjectRoot } from '../../src/config.js';
import { createPool, migrate, startEmbedded, type Pool } from '../../src/db/index.js';
import { useWorld } from './world.js';

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  const projectRoot = findProjectRoot();
  if (!serverUrl) {
    const embedded = await startEmbedded('', { memory: true });
    const pool = createPool({ connectionString: embedded.connectionString, max: 1, applicationName: 'glc-test' });
    await migrate(pool, projectRoot);
    return {
      url: embedded.connectionString,
      pool,
      async drop() {
        await pool.end();
        await embedded.stop();
      },
    };
  }
  const name = `glc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = createPool({ connectionString: url.toString(), max: 10, applicationName: 'glc-test' });
  await migrate(pool, projectRoot);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** A fresh database for this file's tests (read it inside them), dropped after them. */
export function useFreshDatabase(): TestDatabase {
  return useWorld(async () => {
    const database = await freshDatabase();
    return { ...database, stop: () => database.drop() };
  });
}
