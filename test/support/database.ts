// Each test file gets its own fresh, migrated database: on the Postgres server named by DATABASE_URL a clone
// of a migrated template (global-template.ts), or, without it, an in-memory embedded PGlite of its own
// (global-template-embedded.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, type Pool } from '../../src/db/index.js';
import { embeddedFromTemplate } from './global-template-embedded.js';
import { cloneTemplate, type TemplateKind } from './global-template.js';
import { useWorld } from './world.js';

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

export interface FreshDatabaseOptions {
  /**
   * With the signing keys and server secrets a first start creates, sealed under TEST_SECRET_KEY (what a
   * test server starts on: it then generates no RSA key). Without (the default), migrated only.
   */
  keyed?: boolean;
}

export async function freshDatabase({ keyed = false }: FreshDatabaseOptions = {}): Promise<TestDatabase> {
  const kind: TemplateKind = keyed ? 'keyed' : 'plain';
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await embeddedFromTemplate(kind);
    const pool = createPool({ connectionString: embedded.connectionString, max: 1, applicationName: 'glc-test' });
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
  await cloneTemplate(serverUrl, kind, name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = createPool({ connectionString: url.toString(), max: 10, applicationName: 'glc-test' });
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** A fresh database for this file's tests (read it inside them), dropped after them. */
export function useFreshDatabase(options: FreshDatabaseOptions = {}): TestDatabase {
  return useWorld(async () => {
    const database = await freshDatabase(options);
    return { ...database, stop: () => database.drop() };
  });
}
