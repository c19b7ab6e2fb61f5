// WORKERS=2 as an operator runs it: the built dist/main.js as a real process on a fresh database, its primary
// forking two workers on one port. Which worker answered a request is read from the server's own log (each line
// carries its process's pid, a request's line its X-Request-Id): nothing in a response tells a client. A
// kept-alive connection stays with the worker that accepted it, so a connection pinned to each worker lets a test
// speak to the one it chooses. Needs a Postgres server (WORKERS>1 is refused on the embedded database).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { jest } from '@jest/globals';
import { join } from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { jsonOutput, PROJECT_ROOT, runGlc } from '../support/glc.js';
import { discover, startAuthorization, signIn } from '../support/relying-party.js';
import { freePort, TEST_SECRET_KEY } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

const SLOW_HOOK_MS = 180_000;
// Bounds for a loaded machine (a worker forked again, a few turns of the jobs, a notification), never what a test
// asserts: each is far below the cache lifetimes and reload interval this checkout sets.
const SLOW_TEST_MS = 120_000;
const MANY_ATTEMPTS = 600;
jest.setTimeout(SLOW_TEST_MS);
const PASSWORD = 'une phrase de passe assez longue';
const EMAIL = 'jeanne@example.org';
const REDIRECT_URI = 'https://site.bron.example.org/callback';

interface LogLine {
  pid?: number;
  event?: string;
  requestId?: string;
  path?: string;
  status?: number;
  code?: number;
  [key: string]: unknown;
}

interface Answer {
  status: number;
  body: string;
  requestId: string;
}

let checkout: string;
let database: TestDatabase | undefined;
let server: ChildProcess | undefined;
let issuer: string;
let port: number;
const lines: LogLine[] = [];
let exited: Promise<number | null>;
let site: { clientId: string; clientSecret: string };
/** A kept-alive connection to each worker, by its pid. */
const pinned = new Map<number, Agent>();

function glcEnv(): Record<string, string> {
  return { DATABASE_URL: database!.url, DATA_DIR: join(checkout, 'data'), SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn', ISSUER: issuer };
}

async function glc(...args: string[]): Promise<Record<string, unknown>> {
  return jsonOutput(await runGlc([...args, '--json'], glcEnv()));
}

/** Resolves with the first log line (already written or to come) that matches; fails if the server exits first. */
async function logLine(matches: (line: LogLine) => boolean): Promise<LogLine> {
  for (;;) {
    const found = lines.find(matches);
    if (found) return found;
    if (server?.exitCode !== null) throw new Error(`the server exited (${server?.exitCode}) before the log line came`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The workers serving now: every one that listened, but those the primary saw die. */
const workerPids = () => {
  const died = new Set(lines.filter((l) => l.event === 'cluster.worker_died').map((l) => l.workerPid));
  return [...new Set(lines.filter((l) => l.event === 'server.listening').map((l) => l.pid!))].filter((pid) => !died.has(pid));
};

function send(
  agent: Agent | undefined,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const requestId = `test-${randomUUID()}`;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method, path, agent, headers: { 'x-request-id': requestId, ...headers } },
      (response: IncomingMessage) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, requestId }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The pid of the worker that served the request (from its log line). */
async function servedBy(answer: Answer): Promise<number> {
  const line = await logLine((l) => l.event === 'http.request' && l.requestId === answer.requestId);
  return line.pid!;
}

/** Opens connections until one kept-alive connection reaches each worker (the primary deals them out in turn). */
async function pinEveryWorker(): Promise<void> {
  for (const [pid, agent] of pinned) {
    if (workerPids().includes(pid)) continue;
    agent.destroy();
    pinned.delete(pid);
  }
  for (let attempt = 0; attempt < 40 && pinned.size < 2; attempt++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const pid = await servedBy(await send(agent, 'GET', '/healthz'));
    if (pinned.has(pid)) agent.destroy();
    else pinned.set(pid, agent);
  }
  expect(pinned.size).toBe(2);
}

function on(pid: number): Agent {
  const agent = pinned.get(pid);
  if (!agent) throw new Error(`no connection pinned to worker ${pid}`);
  return agent;
}

const basic = (clientId: string, secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

/** A token request whose client authentication decides the answer: invalid_grant for a good secret, invalid_client otherwise. */
function tokenProbe(pid: number, secret: string): Promise<Answer> {
  return send(on(pid), 'POST', '/token', {
    headers: { authorization: basic(site.clientId, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: REDIRECT_URI }).toString(),
  });
}

/**
 * A token request in flight: sent with `Expect: 100-continue`, so that the worker's "100 Continue" proves it holds
 * the request, and its body held back until `finish`.
 */
async function heldTokenRequest(pid: number): Promise<{ finish(): void; answer: Promise<Answer> }> {
  const requestId = `test-${randomUUID()}`;
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: REDIRECT_URI }).toString();
  let continued!: () => void;
  const received = new Promise<void>((resolve) => (continued = resolve));
  let finish!: () => void;
  const answer = new Promise<Answer>((resolve, reject) => {
    const outgoing = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/token',
      agent: on(pid),
      headers: {
        'x-request-id': requestId,
        expect: '100-continue',
        authorization: basic(site.clientId, site.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
    });
    outgoing.on('continue', continued);
    outgoing.on('response', (response: IncomingMessage) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, requestId }));
    });
    outgoing.on('error', reject);
    finish = () => outgoing.end(body);
  });
  await received;
  return { finish, answer };
}

const jobRuns = async () =>
  (
    await database!.pool.query<{ job: string; runner_pid: number; runs: number }>(
      'select job, runner_pid, runs from background_job_runs order by job',
    )
  ).rows;

const errorOf = (answer: Answer) => (JSON.parse(answer.body) as { error?: string }).error;

beforeAll(async () => {
  if (!process.env.DATABASE_URL) throw new Error('WORKERS=2 needs a Postgres server: set DATABASE_URL');
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'main.js'))) throw new Error('dist/ is missing: run "npm run build" first');
  // The built checkout with its background jobs and lock attempts every second, so that a test sees several turns.
  checkout = mkdtempSync(join(tmpdir(), 'glc-workers-'));
  for (const part of ['dist', 'config', 'migrations', 'package.json', 'src/views'])
    cpSync(join(PROJECT_ROOT, part), join(checkout, part), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const file = join(checkout, 'config', 'default.json');
  const tunables = JSON.parse(readFileSync(file, 'utf8'));
  tunables.cleanup.intervalSeconds = 1;
  tunables.mail.pollIntervalSeconds = 1;
  tunables.mail.purgeIntervalSeconds = 1;
  tunables.retention.intervalSeconds = 1;
  tunables.background.lockRetrySeconds = 1;
  // Only the notification can tell a worker of a change in time: no cache expires, no key reload polls meanwhile.
  tunables.clientCacheTtlSeconds = 3600;
  tunables.keys.reloadIntervalSeconds = 3600;
  writeFileSync(file, JSON.stringify(tunables));

  database = await freshDatabase();
  port = await freePort();
  issuer = `http://localhost:${port}`;
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: checkout,
    env: { PATH: process.env.PATH ?? '', ...glcEnv(), LOG_LEVEL: 'info', PORT: String(port), WORKERS: '2' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server = child;
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as LogLine);
  });
  await logLine(() => workerPids().length === 2);

  await glc('commune', 'add', '--slug', 'bron', '--name', 'Ville de Bron');
  const client = await glc('client', 'add', '--commune', 'bron', '--name', 'bron.fr', '--redirect-uri', REDIRECT_URI, '--first-party');
  site = { clientId: client.client_id as string, clientSecret: client.client_secret as string };
  await glc('account', 'add', '--email', EMAIL, '--password', PASSWORD, '--verified');
  await pinEveryWorker();
}, SLOW_HOOK_MS);

afterAll(async () => {
  for (const agent of pinned.values()) agent.destroy();
  if (server?.exitCode === null) {
    server.kill('SIGKILL');
    await exited;
  }
  await database?.drop();
  if (checkout) rmSync(checkout, { recursive: true, force: true });
}, SLOW_HOOK_MS);

describe('WORKERS=2', () => {
  it('serves one port from two worker processes, the primary serving none', () => {
    const primary = server!.pid!;
    expect(workerPids()).toHaveLength(2);
    expect(workerPids()).not.toContain(primary);
    expect([...pinned.keys()].sort()).toEqual(workerPids().sort());
  });

  it('redeems on one worker the code that the other issued', async () => {
    const config = await discover(issuer, { ...site, commune: 'bron', redirectUri: REDIRECT_URI, redirectUris: [REDIRECT_URI] });
    const attempt = await startAuthorization(config, {
      ...site,
      commune: 'bron',
      redirectUri: REDIRECT_URI,
      redirectUris: [REDIRECT_URI],
    });
    const agent = new UserAgent(issuer);
    const flow = `flow-${randomUUID()}`;
    agent.headers['x-request-id'] = flow;
    const callback = await signIn(agent, attempt, { email: EMAIL, password: PASSWORD });
    const code = new URL(callback).searchParams.get('code')!;
    expect(code).toEqual(expect.any(String));
    // The request that answered with the redirect to the site, its code in it, is the flow's last one under /auth/.
    await logLine((l) => l.requestId === flow && l.event === 'http.request' && l.status === 303 && /^\/auth\/./.test(l.path ?? ''));
    const resumes = lines.filter((l) => l.requestId === flow && l.event === 'http.request' && /^\/auth\/./.test(l.path ?? ''));
    const issuedBy = resumes.at(-1)!.pid!;
    const other = workerPids().find((pid) => pid !== issuedBy)!;

    const redeemed = await send(on(other), 'POST', '/token', {
      headers: { authorization: basic(site.clientId, site.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: attempt.verifier,
      }).toString(),
    });
    expect(await servedBy(redeemed)).toBe(other);
    expect(redeemed.status).toBe(200);
    expect(JSON.parse(redeemed.body)).toMatchObject({ access_token: expect.any(String), id_token: expect.any(String) });
  });

  it('refuses the old secret on both workers as soon as glc rotates it', async () => {
    const [first, second] = workerPids() as [number, number];
    // Both workers have the client in their cache first: only the invalidation can make them forget it.
    for (const pid of [first, second]) expect(errorOf(await tokenProbe(pid, site.clientSecret))).toBe('invalid_grant');
    const rotated = await glc('client', 'rotate-secret', '--client', site.clientId, '--overlap', '0');
    const fresh = rotated.client_secret as string;
    for (const pid of [first, second]) {
      const refusesTheOld = async () => errorOf(await tokenProbe(pid, site.clientSecret)) === 'invalid_client';
      expect(await eventually(refusesTheOld, MANY_ATTEMPTS)).toBe(true);
      expect(errorOf(await tokenProbe(pid, fresh))).toBe('invalid_grant');
    }
    site = { ...site, clientSecret: fresh };
  });

  it('publishes a key rotated by glc on both workers without a restart', async () => {
    const rotation = await glc('keys', 'rotate', '--now');
    const kid = rotation.kid as string;
    for (const pid of workerPids()) {
      const published = async () => {
        const answer = await send(on(pid), 'GET', '/jwks');
        return (JSON.parse(answer.body) as { keys: { kid: string }[] }).keys.some((key) => key.kid === kid);
      };
      expect(await eventually(published, MANY_ATTEMPTS)).toBe(true);
    }
  });

  it('forgets the cached clients on each worker whose listening connection was cut, since it missed announcements', async () => {
    const other = await glc('client', 'add', '--commune', 'bron', '--name', 'mairie-bron.fr', '--redirect-uri', REDIRECT_URI);
    const authorize = (pid: number) =>
      send(
        on(pid),
        'GET',
        `/auth?client_id=${other.client_id as string}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT_URI)}` +
          `&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
      );
    // Both workers have the client in their cache.
    for (const pid of workerPids()) expect((await authorize(pid)).status).toBe(303);
    const listeners = async () =>
      (
        await database!.pool.query<{ pid: number; query: string; state: string }>(
          `select pid, query, state from pg_stat_activity where datname = current_database() and application_name = 'glc-listener'`,
        )
      ).rows;
    const cut = (await listeners()).map((row) => row.pid);
    expect(cut).toHaveLength(2);
    await database!.pool.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [cut]);
    // Disabled while no worker listens, and announced nowhere: only the resumption can make them forget it.
    await database!.pool.query('update clients set is_enabled = false where client_id = $1', [other.client_id]);
    const resumed = async () =>
      (await listeners()).filter((row) => !cut.includes(row.pid) && row.state === 'idle' && row.query.startsWith('listen')).length === 2;
    expect(await eventually(resumed, MANY_ATTEMPTS)).toBe(true);
    await logLine(() => workerPids().every((pid) => lines.some((l) => l.event === 'db.listen_resumed' && l.pid === pid)));
    for (const pid of workerPids()) expect((await authorize(pid)).status).toBe(400);
  });

  it('answers /metrics for the whole server on either worker, not for the one that took the connection', async () => {
    const [first, second] = workerPids() as [number, number];
    const healthChecks = async (pid: number) => {
      const answer = await send(on(pid), 'GET', '/metrics');
      expect(await servedBy(answer)).toBe(pid);
      const line = /^glc_http_requests_total\{method="GET",route="\/healthz",status="200"\} (\d+)$/m.exec(answer.body);
      return Number(line?.[1] ?? 0);
    };
    const before = await healthChecks(second);
    for (let i = 0; i < 3; i++) expect(await servedBy(await send(on(first), 'GET', '/healthz'))).toBe(first);
    expect(await healthChecks(second)).toBe(before + 3);
    expect(await healthChecks(first)).toBe(before + 3);
  });

  it('runs each background job in one process only', async () => {
    // Every job has had several turns (each every second in this checkout) while both workers were up.
    expect(await eventually(async () => (await jobRuns()).filter((r) => r.runs >= 3).length === 4, MANY_ATTEMPTS)).toBe(true);
    const rows = await jobRuns();
    expect(rows.map((r) => r.job).sort()).toEqual(['cleanup', 'mail.deliver', 'mail.purge', 'retention']);
    const runners = new Set(rows.map((r) => r.runner_pid));
    expect(runners.size).toBe(1);
    expect(workerPids()).toContain([...runners][0]);
  });

  it('replaces a worker killed outright, and another process takes the background jobs over', async () => {
    const [holder] = [...new Set((await jobRuns()).map((r) => r.runner_pid))];
    expect(workerPids()).toContain(holder);
    process.kill(holder!, 'SIGKILL');
    await logLine((l) => l.event === 'cluster.worker_died' && l.workerPid === holder && l.signal === 'SIGKILL');
    await logLine(() => workerPids().length === 2);
    const takenOver = async () => {
      const others = (await jobRuns()).filter((r) => r.runner_pid !== holder);
      return others.filter((r) => r.runs >= 2).length === 4;
    };
    expect(await eventually(takenOver, MANY_ATTEMPTS)).toBe(true);
    const runners = new Set((await jobRuns()).filter((r) => r.runner_pid !== holder).map((r) => r.runner_pid));
    expect(runners.size).toBe(1);
    expect(workerPids()).toContain([...runners][0]);
    await pinEveryWorker();
  });

  it('drains both workers on SIGTERM: the requests in flight are answered, then the primary exits 0', async () => {
    const held = await Promise.all(workerPids().map((pid) => heldTokenRequest(pid)));
    server!.kill('SIGTERM');
    for (const pid of workerPids()) await logLine((l) => l.event === 'server.stopping' && l.pid === pid);
    for (const request of held) request.finish();
    const answers = await Promise.all(held.map((request) => request.answer));
    expect(answers.map((answer) => [answer.status, errorOf(answer)])).toEqual([
      [400, 'invalid_grant'],
      [400, 'invalid_grant'],
    ]);
    expect(await exited).toBe(0);
  });
});
