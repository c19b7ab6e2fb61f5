// Migrated template databases on the Postgres server of DATABASE_URL, shared by every test file of every jest
// run on this machine: a file's database is a `create database … template …` clone of one, in a fraction of
// the time the migrations take. A template's name carries a digest of migrations/ (an added or edited
// migration makes a new one, while a run started before it keeps its own) and of the test secret key (the
// keyed template holds signing keys sealed under it). Templates are made lazily under a Postgres advisory
// lock, which also serialises the clones: Postgres refuses to copy a database that another session is
// reading, and parallel jest workers, or two engineers' runs, would otherwise collide.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { findProjectRoot } from '../../src/config.js';
import { createPool, migrate } from '../../src/db/index.js';
import { ensureKeys } from '../../src/oidc/keys.js';
import { createSealer } from '../../src/sealing.js';

/** The SECRET_KEY of every test server: the keyed template's keys are sealed under it. */
export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';

/** Plain: migrated only (a repository test makes its own keys). Keyed: migrated, with the first start's keys. */
export type TemplateKind = 'plain' | 'keyed';

// One lock for making templates and for cloning them (pg_advisory_lock's bigint, chosen once).
const TEMPLATES_LOCK = 7_302_115_900;
// A template nobody cloned for this long belongs to migrations that are gone (or to a run long finished).
const STALE_AFTER_MS = 24 * 3600 * 1000;
const PREFIX = 'glc_tpl_';

/** What a template depends on: every migration's name and content in `dir`, and the test secret key. */
export function migrationsDigest(dir: string): string {
  const hash = createHash('sha256').update(TEST_SECRET_KEY);
  for (const name of readdirSync(dir).sort()) hash.update(`\0${name}\0`).update(readFileSync(join(dir, name)));
  return hash.digest('hex').slice(0, 16);
}

let digest: string | undefined;

/** The digest of this checkout's migrations/, read once per test file. */
export function templateDigest(): string {
  digest ??= migrationsDigest(join(findProjectRoot(), 'migrations'));
  return digest;
}

export function templateName(kind: TemplateKind): string {
  return `${PREFIX}${templateDigest()}${kind === 'keyed' ? '_keyed' : ''}`;
}

function urlOf(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function exists(admin: pg.Client, database: string): Promise<boolean> {
  return (await admin.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1;
}

/** Stamps a template with the time it was last cloned (read back by dropStaleTemplates). */
async function touch(admin: pg.Client, template: string): Promise<void> {
  await admin.query(`comment on database ${template} is '${Date.now()}'`);
}

/** The migrations (and for the keyed one the keys) in a database of their own, then frozen as a template. */
async function build(admin: pg.Client, serverUrl: string, kind: TemplateKind): Promise<void> {
  const template = templateName(kind);
  const building = `${template}_building`;
  await admin.query(`drop database if exists ${building} with (force)`); // left by a run that died here
  if (kind === 'keyed') {
    await clone(admin, 'plain', serverUrl, building);
  } else {
    await admin.query(`create database ${building}`);
  }
  // Every connection closed before the copy: Postgres refuses to copy a database someone is connected to.
  const pool = createPool({ connectionString: urlOf(serverUrl, building), max: 1, applicationName: 'glc-test-template' });
  try {
    if (kind === 'plain') await migrate(pool, findProjectRoot());
    else await ensureKeys(pool, createSealer(TEST_SECRET_KEY));
  } finally {
    await pool.end();
  }
  await admin.query(`alter database ${building} rename to ${template}`);
  // No connection is accepted (one would block the next clone) and it is not dropped by mistake.
  await admin.query(`alter database ${template} with is_template true allow_connections false`);
}

async function clone(admin: pg.Client, kind: TemplateKind, serverUrl: string, name: string): Promise<void> {
  const template = templateName(kind);
  if (!(await exists(admin, template))) await build(admin, serverUrl, kind);
  await admin.query(`create database ${name} template ${template}`);
  await touch(admin, template);
}

async function dropStaleTemplates(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string; stamp: string | null }>(
    `select datname, shobj_description(oid, 'pg_database') as stamp from pg_database
     where datistemplate and datname like $1 and datname not like $2`,
    [`${PREFIX}%`, `${PREFIX}${templateDigest()}%`],
  );
  for (const { datname, stamp } of rows) {
    if (Date.now() - Number(stamp ?? 0) < STALE_AFTER_MS) continue;
    await admin.query(`alter database ${datname} with is_template false`);
    await admin.query(`drop database ${datname} with (force)`);
  }
}

/** A new database `name` on the server of `serverUrl`, holding what the template of `kind` holds. */
export async function cloneTemplate(serverUrl: string, kind: TemplateKind, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl, application_name: 'glc-test-template' });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATES_LOCK]);
    await clone(admin, kind, serverUrl, name);
    await dropStaleTemplates(admin);
  } finally {
    // Closing the session releases the lock, also when a statement above failed.
    await admin.end();
  }
}
