#!/usr/bin/env node
// Login flood: FLOOD_CONCURRENCY clients (default 100) submit the login form over and over for FLOOD_SECONDS
// (default 10) against the built server in its own process, each time for another citizen (an address
// with no account: the same argon2 work as a wrong password, and no throttle shared between them), while a probe reads /healthz every 20 ms. Prints the
// answers by status, login and /healthz latency percentiles, and the server's peak RSS (from /metrics).
// Usage: npm run build && DATABASE_URL=postgres://… node test/bench/login-flood.mjs
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aBenchDatabase, freePort, percentile, root, run } from './support.mjs';

const seconds = Number(process.env.FLOOD_SECONDS ?? 10);
const concurrency = Number(process.env.FLOOD_CONCURRENCY ?? 100);

async function main() {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to a Postgres server');
  const database = await aBenchDatabase('glc_flood');
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const env = {
    PATH: process.env.PATH,
    PORT: String(port),
    DATABASE_URL: database.url,
    LOG_LEVEL: 'error',
    SECRET_KEY: 'flood-secret-key-0123456789-0123456789-abcdef',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'glc-flood-')),
  };
  const glc = async (...args) => JSON.parse(await run('dist/cli/glc.js', [...args, '--json'], env));
  await glc('commune', 'add', '--slug', 'lyon', '--name', 'Ville de Lyon');
  const site = await glc(
    'client',
    'add',
    '--commune',
    'lyon',
    '--name',
    'flood site',
    '--redirect-uri',
    'https://flood.example/cb',
    '--first-party',
  );
  const password = 'flood password that is long enough';
  const server = spawn(process.execPath, [join(root, 'dist/main.js')], { env, stdio: 'ignore' });
  for (
    let i = 0;
    i < 200 &&
    !(await fetch(`${issuer}/readyz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 50));

  const rss = async () => Number(/^process_resident_memory_bytes (\d+)/m.exec(await (await fetch(`${issuer}/metrics`)).text())?.[1] ?? 0);
  const rssBefore = await rss();
  let rssPeak = rssBefore;

  /** One attempt as a browser makes it: authorize, the login page, the password; answers the login's status. */
  async function signIn() {
    const cookies = new Map();
    const go = async (url, init = {}) => {
      const response = await fetch(new URL(url, issuer), {
        redirect: 'manual',
        ...init,
        headers: { ...init.headers, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return response;
    };
    const authorize = await go(
      `/auth?client_id=${site.client_id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://flood.example/cb')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
    );
    const page = await (await go(authorize.headers.get('location'))).text();
    const action = /action="([^"]+\/login)"/.exec(page)[1];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)[1];
    const started = performance.now();
    const login = await go(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email: `citizen-${randomBytes(6).toString('hex')}@example.org`, password }).toString(),
    });
    await login.arrayBuffer();
    return { status: login.status, ms: performance.now() - started };
  }

  const deadline = performance.now() + seconds * 1000;
  const logins = [];
  const statuses = {};
  const health = [];
  const probe = (async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await (await fetch(`${issuer}/healthz`)).arrayBuffer();
      health.push(performance.now() - started);
      rssPeak = Math.max(rssPeak, await rss());
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.all([
    probe,
    ...Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const { status, ms } = await signIn().catch(() => ({ status: 'error', ms: 0 }));
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 'error') logins.push(ms);
      }
    }),
  ]);
  logins.sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      concurrency,
      seconds,
      statuses,
      'login p50 ms': percentile(logins, 50)?.toFixed(1),
      'login p99 ms': percentile(logins, 99)?.toFixed(1),
      'healthz p50 ms': percentile(health, 50)?.toFixed(1),
      'healthz p99 ms': percentile(health, 99)?.toFixed(1),
      'rss before MiB': Math.round(rssBefore / 2 ** 20),
      'rss peak MiB': Math.round(rssPeak / 2 ** 20),
    }),
  );
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await database.drop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
