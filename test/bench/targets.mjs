// The two servers the benchmark measures side by side, each a process of its own on its own port:
// GrandLyonConnect as built (dist/main.js, its workers, a fresh database on DATABASE_URL's server) and the
// bare oidc-provider (bare-provider.mjs). Each target says its clients, its pages and its pids.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { BARE_API, BARE_REDIRECT_URI, BARE_SERVICE, BARE_SITE } from './bare-provider.mjs';
import { postgresBackends } from './cpu.mjs';
import { answerDevInteraction, answerOurLoginPage } from './flows.mjs';
import { aBenchDatabase, freePort, root, run } from './support.mjs';

const secretKey = 'bench-secret-key-0123456789-0123456789-abcdef';
const REDIRECT_URI = 'https://bench.example/cb';
const API = 'https://api.bench.example/';
export const PASSWORD = 'bench password that is long enough';

async function until(isReady, what) {
  for (let i = 0; i < 600; i++) {
    if (await isReady().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become ready`);
}

const discoveryOf = async (issuer) => (await fetch(`${issuer}/.well-known/openid-configuration`)).json();

/** GrandLyonConnect with a commune, a first-party site, two services (opaque, JWT) and `citizenCount` citizens. */
export async function startOurs({ citizenCount }) {
  const database = await aBenchDatabase('glc_bench');
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const env = {
    PATH: process.env.PATH,
    PORT: String(port),
    SECRET_KEY: secretKey,
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'glc-bench-')),
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...(process.env.WORKERS ? { WORKERS: process.env.WORKERS } : {}),
  };
  const glc = async (...args) => JSON.parse(await run('dist/cli/glc.js', [...args, '--json'], env));
  const clientAdd = (name, ...args) => glc('client', 'add', '--commune', 'lyon', '--name', name, ...args);
  await glc('migrate'); // creates the embedded database too, which no other command does
  await glc('commune', 'add', '--slug', 'lyon', '--name', 'Ville de Lyon');
  const site = await clientAdd('bench site', '--redirect-uri', REDIRECT_URI, '--first-party', '--scope', 'openid email');
  const cc = ['--grant-type', 'client_credentials', '--scope', 'openid'];
  const service = await clientAdd('bench service', ...cc);
  const jwtService = await clientAdd('bench jwt service', ...cc, '--resource', API, '--access-token-format', 'jwt');
  // Several citizens: one signs in from one address at most `perAccountAndAddress.free` (5) times at once.
  const citizens = Array.from({ length: citizenCount }, (_, i) => ({ email: `bench-${i}@example.org`, password: PASSWORD }));
  for (const { email } of citizens) await glc('account', 'add', '--email', email, '--password', PASSWORD, '--verified');

  const server = spawn(process.execPath, [join(root, 'dist/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  await until(async () => (await fetch(`${issuer}/readyz`)).ok, 'GrandLyonConnect');
  const monitor = database.url ? new pg.Client({ connectionString: process.env.DATABASE_URL }) : undefined;
  await monitor?.connect();
  const databaseName = database.url ? new URL(database.url).pathname.slice(1) : undefined;
  return {
    name: 'GrandLyonConnect',
    issuer,
    metadata: await discoveryOf(issuer),
    site,
    service,
    jwtService,
    api: API,
    redirectUri: REDIRECT_URI,
    answer: answerOurLoginPage,
    citizens,
    pid: server.pid,
    backends: () => (monitor ? postgresBackends(monitor, databaseName) : []),
    countsSql: true,
    // Embedded, PGlite runs inside the server process: its CPU is the server's.
    hasPostgresServer: Boolean(monitor),
    async stop() {
      server.kill('SIGTERM');
      await exited;
      await monitor?.end();
      await database.drop();
    },
  };
}

/** The bare library, in memory, on a port of its own. */
export async function startBare() {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const server = spawn(process.execPath, [join(root, 'test/bench/bare-provider.mjs'), String(port)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve());
    server.once('exit', (code) => reject(new Error(`the bare provider exited ${code}`)));
  });
  return {
    name: 'bare oidc-provider',
    issuer,
    metadata: await discoveryOf(issuer),
    site: BARE_SITE,
    service: BARE_SERVICE,
    jwtService: BARE_SERVICE,
    api: BARE_API,
    redirectUri: BARE_REDIRECT_URI,
    answer: answerDevInteraction,
    citizens: [{ email: 'bench@example.org', password: PASSWORD }],
    pid: server.pid,
    backends: () => [],
    countsSql: false,
    async stop() {
      server.kill('SIGTERM');
      await exited;
    },
  };
}
