// The test databases (test/support/global-template.ts): a clone is migrated as far as migrations/ goes, the
// keyed one holds the keys a first start makes, under TEST_SECRET_KEY, and two clones share nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/config.js';
import { migrate } from '../../src/db/index.js';
import { listPublicKeys, loadKeyMaterial } from '../../src/oidc/keys.js';
import { createSealer } from '../../src/sealing.js';
import { freshDatabase, useFreshDatabase } from '../support/database.js';
import { migrationsDigest, templateName } from '../support/global-template.js';
import { startInstance, TEST_SECRET_KEY } from '../support/server.js';
import { useWorld } from '../support/world.js';

const plain = useFreshDatabase();
const keyed = useFreshDatabase({ keyed: true });

describe('a test file’s database', () => {
  it('has every migration of migrations/ applied: the server’s own migrate finds nothing to do', async () => {
    expect(await migrate(plain.pool, findProjectRoot())).toEqual([]);
    expect(await migrate(keyed.pool, findProjectRoot())).toEqual([]);
  });

  it('holds no key when plain, and when keyed one RS256 and one ES256 key and the secrets, sealed under TEST_SECRET_KEY', async () => {
    expect(await listPublicKeys(plain.pool)).toEqual([]);
    const material = await loadKeyMaterial(keyed.pool, createSealer(TEST_SECRET_KEY));
    expect(material.jwks.map((jwk) => jwk.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(material.cookieKeys).toHaveLength(1);
  });

  it('is apart from every other file’s: a row written in one is not in another', async () => {
    await plain.pool.query(`insert into communes (slug, name) values ('apart', 'Apart')`);
    const other = await freshDatabase();
    try {
      expect((await other.pool.query(`select 1 from communes where slug = 'apart'`)).rowCount).toBe(0);
    } finally {
      await other.drop();
    }
  });

  it('comes from a template named after the migrations: another template once one is added or edited', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glc-migrations-'));
    writeFileSync(join(dir, '20260101000000_first.sql'), 'create table a (x int);');
    const first = migrationsDigest(dir);
    writeFileSync(join(dir, '20260102000000_second.sql'), 'create table b (x int);');
    const added = migrationsDigest(dir);
    writeFileSync(join(dir, '20260102000000_second.sql'), 'create table b (y int);');
    const edited = migrationsDigest(dir);
    expect(new Set([first, added, edited]).size).toBe(3);
    expect(migrationsDigest(dir)).toBe(edited);
    expect(templateName('plain')).toBe(`glc_tpl_${migrationsDigest(join(findProjectRoot(), 'migrations'))}`);
  });
});

describe('a test server on the keyed database', () => {
  const server = useWorld(() => startInstance(keyed));

  it('starts without making a key: it publishes the template’s', async () => {
    expect(server.isFirstStart).toBe(false);
    const published = (await listPublicKeys(keyed.pool)).map((jwk) => jwk.kid).sort();
    expect(published).toHaveLength(2);
    const material = await loadKeyMaterial(server.pool, createSealer(TEST_SECRET_KEY));
    expect(material.jwks.map((jwk) => jwk.kid).sort()).toEqual(published);
  });
});
