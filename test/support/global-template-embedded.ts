// Without DATABASE_URL each test file runs on an in-memory PGlite of its own. Creating one runs initdb in
// WebAssembly (about 5 s on a loaded 2-core machine) and then the migrations; loading the data directory of
// one already migrated takes about 1 s. So the migrated data directory (and, keyed, with the first start's
// keys) is dumped once into the system's temporary directory under the templates' digest, and every file
// loads it. Two workers making the same dump at once both write it whole and rename it into place, so a
// reader never sees half of one.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { findProjectRoot } from '../../src/config.js';
import { createPool, migrate } from '../../src/db/index.js';
import { ensureKeys } from '../../src/oidc/keys.js';
import { createSealer } from '../../src/sealing.js';
import { TEST_SECRET_KEY, templateDigest, type TemplateKind } from './global-template.js';

export interface EmbeddedTestServer {
  connectionString: string;
  stop(): Promise<void>;
}

const PREFIX = 'glc-test-pglite-';
const STALE_AFTER_MS = 24 * 3600 * 1000;

function dumpPath(kind: TemplateKind): string {
  return join(tmpdir(), `${PREFIX}${templateDigest()}-${kind}.tar`);
}

/** PGlite served on a TCP port of 127.0.0.1, so that pg reaches it as it reaches Postgres. */
async function serve(db: PGlite): Promise<EmbeddedTestServer> {
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 16 });
  await server.start();
  return {
    connectionString: `postgresql://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

async function build(kind: TemplateKind): Promise<void> {
  const db = kind === 'plain' ? await PGlite.create() : await PGlite.create({ loadDataDir: await dumpOf('plain') });
  const served = await serve(db);
  const pool = createPool({ connectionString: served.connectionString, max: 1, applicationName: 'glc-test-template' });
  try {
    if (kind === 'plain') await migrate(pool, findProjectRoot());
    else await ensureKeys(pool, createSealer(TEST_SECRET_KEY));
  } finally {
    await pool.end();
  }
  const dump = await db.dumpDataDir('none');
  await served.stop();
  const target = dumpPath(kind);
  const partial = `${target}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, target);
  dropStaleDumps();
}

function dropStaleDumps(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX) || name.startsWith(`${PREFIX}${templateDigest()}`)) continue;
    const path = join(tmpdir(), name);
    if (Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { force: true });
  }
}

async function dumpOf(kind: TemplateKind): Promise<Blob> {
  if (!existsSync(dumpPath(kind))) await build(kind);
  return new Blob([readFileSync(dumpPath(kind))]);
}

/** An in-memory PGlite holding what the template of `kind` holds. */
export async function embeddedFromTemplate(kind: TemplateKind): Promise<EmbeddedTestServer> {
  return serve(await PGlite.create({ loadDataDir: await dumpOf(kind) }));
}
