// glc migrate / account add / keys rotate, and what every command shares: --json, exit codes, usage errors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { listPublicKeys } from '../../src/oidc/index.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { expectRefusal, isJson, jsonOutput, runGlc } from '../support/glc.js';
import { freePort, startTestServer, TEST_SECRET_KEY, type TestServer } from '../support/server.js';

let server: TestServer;
let env: Record<string, string>;

const glc = (...args: string[]) => runGlc(args, env);

async function accountsWithEmail(email: string): Promise<number> {
  const { rows } = await server.database.pool.query<{ n: number }>(
    'select count(*)::int as n from accounts where lower(email) = lower($1)',
    [email],
  );
  return rows[0]!.n;
}

async function publishedKids(): Promise<string[]> {
  const discovery = await request(server.server).get('/.well-known/openid-configuration');
  const jwks = await request(server.server).get(new URL(discovery.body.jwks_uri as string).pathname);
  expect(jwks.status).toBe(200);
  return (jwks.body.keys as { kid: string }[]).map((key) => key.kid);
}

beforeAll(async () => {
  server = await startTestServer();
  env = {
    DATABASE_URL: server.database.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'glc-cli-')),
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await server.stop();
});

describe('glc migrate', () => {
  let blank: TestDatabase;

  beforeAll(async () => {
    blank = await freshDatabase();
    await blank.pool.query('drop schema public cascade');
    await blank.pool.query('create schema public');
  });

  afterAll(async () => {
    await blank.drop();
  });

  it('applies every migration to an empty database, then none the second time', async () => {
    const blankEnv = { ...env, DATABASE_URL: blank.url };
    const first = jsonOutput(await runGlc(['migrate', '--json'], blankEnv));
    expect(first.applied).toEqual(expect.arrayContaining([expect.stringMatching(/^\d{14}_/)]));
    expect(first.applied).not.toHaveLength(0);
    const tables = await blank.pool.query(
      `select 1 from information_schema.tables where table_name in ('communes', 'clients', 'accounts', 'signing_keys')`,
    );
    expect(tables.rowCount).toBe(4);

    expect(jsonOutput(await runGlc(['migrate', '--json'], blankEnv))).toEqual({ applied: [] });
    const text = await runGlc(['migrate'], blankEnv);
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).not.toBe('');
    expect(isJson(text.stdout)).toBe(false);
  });
});

describe('glc account add', () => {
  it('creates an account and prints its sub and email', async () => {
    const account = jsonOutput(
      await glc(
        'account',
        'add',
        '--email',
        'Jeanne.Dupont@example.org',
        '--password',
        'une phrase de passe très longue',
        '--given-name',
        'Jeanne',
        '--family-name',
        'Dupont',
        '--verified',
        '--json',
      ),
    );
    expect(account).toMatchObject({ sub: expect.stringMatching(/.+/), email: 'Jeanne.Dupont@example.org' });
    expect(await server.accounts.findById(account.sub as string)).toMatchObject({ email: 'Jeanne.Dupont@example.org' });
  });

  it('refuses an email already used, whatever its case, and keeps one account', async () => {
    expectRefusal(
      await glc('account', 'add', '--email', 'jeanne.dupont@EXAMPLE.org', '--password', 'une autre phrase de passe', '--json'),
      1,
      /email/,
    );
    expect(await accountsWithEmail('jeanne.dupont@example.org')).toBe(1);
  });

  it('refuses a password shorter than the policy allows and creates nothing', async () => {
    expectRefusal(await glc('account', 'add', '--email', 'court@example.org', '--password', 'abc', '--json'), 1, /password/);
    expect(await accountsWithEmail('court@example.org')).toBe(0);
  });

  it('refuses a malformed email', async () => {
    expectRefusal(await glc('account', 'add', '--email', 'pas-une-adresse', '--password', 'une phrase de passe très longue'), 1, /email/);
    expect(await accountsWithEmail('pas-une-adresse')).toBe(0);
  });

  it('treats a missing --password as a usage error', async () => {
    expectRefusal(await glc('account', 'add', '--email', 'sans@example.org'), 2, /--password/);
  });

  describe('with --password-stdin', () => {
    const password = 'une phrase lue sur l’entrée standard';

    it.each([
      ['--json', 'a newline', ['--json'], `${password}\n`],
      ['text', 'a CRLF', [], `${password}\r\n`],
    ])(
      'creates an account (%s output) that signs in with the piped password less %s, never printing it',
      async (_output, _ending, flags, input) => {
        const email = `stdin-${flags.length}@example.org`;
        const result = await runGlc(['account', 'add', '--email', email, '--password-stdin', ...flags], env, input);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(email);
        expect(result.stdout + result.stderr).not.toContain(password);
        expect(await server.accounts.authenticate(email, password)).toMatchObject({ email });
        expect(await server.accounts.authenticate(email, input)).toBeUndefined();
      },
    );

    it('keeps a password that ends in spaces or holds a newline, dropping only the last newline', async () => {
      const unusual = '  deux lignes\nde phrase de passe  ';
      jsonOutput(
        await runGlc(['account', 'add', '--email', 'stdin-unusual@example.org', '--password-stdin', '--json'], env, `${unusual}\n`),
      );
      expect(await server.accounts.authenticate('stdin-unusual@example.org', unusual)).toBeDefined();
    });

    it('refuses --password together with --password-stdin, and creates nothing', async () => {
      const result = await runGlc(
        ['account', 'add', '--email', 'deux@example.org', '--password', password, '--password-stdin', '--json'],
        env,
        password,
      );
      expectRefusal(result, 2, /--password-stdin.*--password/);
      expect(await accountsWithEmail('deux@example.org')).toBe(0);
    });

    it('refuses an empty standard input as a usage error', async () => {
      expectRefusal(await runGlc(['account', 'add', '--email', 'vide@example.org', '--password-stdin'], env, '\n'), 2, /--password-stdin/);
      expect(await accountsWithEmail('vide@example.org')).toBe(0);
    });

    it('holds the piped password to the policy like any other', async () => {
      const result = await runGlc(['account', 'add', '--email', 'court-stdin@example.org', '--password-stdin', '--json'], env, 'abc\n');
      expectRefusal(result, 1, /password/);
      expect(result.stderr).not.toContain('abc');
      expect(await accountsWithEmail('court-stdin@example.org')).toBe(0);
    });
  });

  it('prints a sentence rather than JSON without --json', async () => {
    const result = await glc('account', 'add', '--email', 'texte@example.org', '--password', 'une phrase de passe très longue');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('texte@example.org');
    expect(isJson(result.stdout)).toBe(false);
  });
});

describe('glc keys rotate', () => {
  it('prints the new kid and publishes it in the JWKS, next to the keys still signing', async () => {
    const before = await publishedKids();
    const { kid } = jsonOutput(await glc('keys', 'rotate', '--json'));
    expect(kid).toEqual(expect.any(String));
    expect(before).not.toContain(kid);
    expect((await listPublicKeys(server.database.pool)).map((key) => key.kid)).toContain(kid);

    await server.oidc.reloadKeysIfChanged(); // what the server does on the rotation's NOTIFY
    const after = await publishedKids();
    expect(after).toContain(kid);
    expect(after).toEqual(expect.arrayContaining(before));
  });

  it('prints a sentence rather than JSON without --json', async () => {
    const result = await glc('keys', 'rotate');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).not.toBe('');
    expect(isJson(result.stdout)).toBe(false);
  });
});

describe('every command', () => {
  it('keeps stdout to one JSON object with --json even when logging at debug level', async () => {
    const result = await runGlc(['commune', 'add', '--slug', 'ecully', '--name', 'Écully', '--json'], { ...env, LOG_LEVEL: 'debug' });
    expect(jsonOutput(result)).toMatchObject({ slug: 'ecully', name: 'Écully' });
  });

  it('answers an unknown command with a usage error naming it', async () => {
    expectRefusal(await glc('frobnicate', '--json'), 2, /frobnicate/);
    expectRefusal(await glc('commune', 'remove', '--slug', 'ecully'), 2, /commune remove/);
  });

  it('answers no command at all with a usage error', async () => {
    expect((await glc()).code).toBe(2);
  });

  it('refuses to run on a bad setting, naming the variable', async () => {
    expectRefusal(await runGlc(['migrate', '--json'], { ...env, SECRET_KEY: 'too-short' }), 1, /SECRET_KEY/);
    expectRefusal(await runGlc(['migrate', '--json'], { ...env, DATABASE_URL: 'mysql://localhost/glc' }), 1, /DATABASE_URL/);
  });

  it('fails with one line when the database cannot be reached', async () => {
    const closedPort = await freePort();
    expectRefusal(
      await runGlc(['migrate', '--json'], { ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/glc` }),
      1,
      /\S/,
    );
  });
});
