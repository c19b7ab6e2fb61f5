// glc with no DATABASE_URL: it opens the embedded Postgres under DATA_DIR itself, or, while the server
// holds that directory, goes through the server's socket — and what it adds is usable at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectRefusal, jsonOutput, PROJECT_ROOT, runGlc } from '../support/glc.js';
import { freePort, TEST_SECRET_KEY } from '../support/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'glc-embedded-'));
const env = { DATA_DIR: dataDir, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' };
const glc = (...args: string[]) => runGlc(args, env);

let confidentialClientId: string;

function authorizationUrl(issuer: string, clientId: string, redirectUri: string): string {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return `${issuer}/auth?${query.toString()}`;
}

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('glc on a DATA_DIR that holds no database', () => {
  const emptyDir = mkdtempSync(join(tmpdir(), 'glc-empty-'));
  const onEmpty = (...args: string[]) => runGlc(args, { ...env, DATA_DIR: emptyDir });
  afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

  it('refuses a command with one line naming DATA_DIR, and creates no second, empty database', async () => {
    expectRefusal(
      await onEmpty('commune', 'add', '--slug', 'lyon', '--name', 'Ville de Lyon', '--json'),
      1,
      new RegExp(`DATA_DIR.*${emptyDir}`),
    );
    expectRefusal(await onEmpty('keys', 'rotate'), 1, /DATA_DIR/);
    expect(existsSync(join(emptyDir, 'pglite'))).toBe(false);
  }, 60_000);

  it('creates it when asked to with --init, after which other commands find it', async () => {
    expect(jsonOutput(await onEmpty('commune', 'add', '--slug', 'lyon', '--name', 'Ville de Lyon', '--init', '--json'))).toMatchObject({
      slug: 'lyon',
    });
    expect(jsonOutput(await onEmpty('commune', 'add', '--slug', 'bron', '--name', 'Bron', '--json'))).toMatchObject({ slug: 'bron' });
  }, 60_000);
});

describe('glc on the embedded database, no server running', () => {
  it('migrates a new data directory on first use, then has nothing left to apply', async () => {
    expect(jsonOutput(await glc('migrate', '--json')).applied).not.toHaveLength(0);
    expect(jsonOutput(await glc('migrate', '--json'))).toEqual({ applied: [] });
  }, 60_000);

  it('adds a commune, then a client of it', async () => {
    expect(jsonOutput(await glc('commune', 'add', '--slug', 'lyon', '--name', 'Ville de Lyon', '--json'))).toMatchObject({ slug: 'lyon' });
    const client = jsonOutput(
      await glc('client', 'add', '--commune', 'lyon', '--name', 'lyon.fr', '--redirect-uri', 'https://lyon.fr/callback', '--json'),
    );
    expect(client).toMatchObject({ commune: 'lyon', client_secret: expect.any(String) });
    confidentialClientId = client.client_id as string;
  });

  it('refuses a duplicate commune there too', async () => {
    expectRefusal(await glc('commune', 'add', '--slug', 'lyon', '--name', 'Lyon', '--json'), 1, /lyon/);
  });
});

describe('glc on the embedded database while the server runs on it', () => {
  let server: ChildProcess;
  let exited: Promise<number | null>;
  let issuer: string;
  let serverOutput = '';

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://localhost:${port}`;
    server = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'main.js')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => {
      serverOutput += chunk.toString();
    });
    server.stderr!.on('data', (chunk: Buffer) => {
      serverOutput += chunk.toString();
    });
    exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
    const state = { stopped: false };
    void exited.then(() => {
      state.stopped = true;
    });
    for (;;) {
      if (state.stopped) throw new Error(`the server exited before answering /healthz:\n${serverOutput}`);
      const healthy = await fetch(`${issuer}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
  });

  it('serves the embedded database on a socket under DATA_DIR/run', () => {
    expect(existsSync(join(dataDir, 'run', '.s.PGSQL.5432'))).toBe(true);
  });

  it('adds a commune and a public client through the server, and the client can start a sign-in at once', async () => {
    expect(jsonOutput(await glc('commune', 'add', '--slug', 'bron', '--name', 'Bron', '--json'))).toMatchObject({ slug: 'bron' });
    const redirectUri = 'http://localhost:8123/callback';
    const client = jsonOutput(
      await glc('client', 'add', '--commune', 'bron', '--name', 'Appli Bron', '--public', '--redirect-uri', redirectUri, '--json'),
    );

    const response = await fetch(authorizationUrl(issuer, client.client_id as string, redirectUri), { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(new RegExp(`^(${issuer})?/interaction/[^/?#]+$`));
  });

  it('lets a client added before the server started sign in too', async () => {
    const response = await fetch(authorizationUrl(issuer, confidentialClientId, 'https://lyon.fr/callback'), { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/\/interaction\/[^/?#]+$/);
  });

  it('lets a pairwise site on two hosts of its commune start a sign-in from either host', async () => {
    const hosts = ['https://bron.fr/callback', 'https://www.bron.fr/callback'];
    const client = jsonOutput(
      await glc(
        'client',
        'add',
        '--commune',
        'bron',
        '--name',
        'bron.fr',
        '--redirect-uri',
        hosts[0]!,
        '--redirect-uri',
        hosts[1]!,
        '--json',
      ),
    );
    expect(client.subject_type).toBe('pairwise');
    for (const redirectUri of hosts) {
      const response = await fetch(authorizationUrl(issuer, client.client_id as string, redirectUri), { redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/\/interaction\/[^/?#]+$/);
    }
  });

  it('still refuses what it should, with one line', async () => {
    expectRefusal(await glc('client', 'add', '--commune', 'nowhere', '--name', 'x', '--redirect-uri', 'https://x.fr/cb'), 1, /nowhere/);
  });

  it('stops with status 0 on SIGTERM, after which glc opens the database itself again', async () => {
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    const commune = jsonOutput(await glc('commune', 'add', '--slug', 'givors', '--name', 'Givors', '--json'));
    expect(commune).toMatchObject({ slug: 'givors' });
  }, 60_000);
});
