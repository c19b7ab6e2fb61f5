#!/usr/bin/env node
// Benchmark: starts the built server as its own process and measures the protocol's hot paths with
// concurrent clients, printing throughput and latency percentiles. Usage: npm run bench
// Environment: DATABASE_URL (a Postgres server; a fresh database is created in it) or nothing (embedded
// PGlite), BENCH_SECONDS (per scenario, default 5), BENCH_CONCURRENCY (default 16).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aBenchDatabase, freePort, percentile, root, run } from './support.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const secretKey = 'bench-secret-key-0123456789-0123456789-abcdef';

async function measure(name, operation) {
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await operation();
        latencies.push(performance.now() - started);
      } catch {
        errors += 1;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const row = {
    scenario: name,
    'req/s': Math.round(latencies.length / elapsed),
    'p50 ms': percentile(latencies, 50)?.toFixed(1),
    'p99 ms': percentile(latencies, 99)?.toFixed(1),
    ok: latencies.length,
    errors,
  };
  console.log(JSON.stringify(row));
  return row;
}

async function main() {
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
  };
  const glc = async (...args) => JSON.parse(await run('dist/cli/glc.js', [...args, '--json'], env));
  await glc('commune', 'add', '--slug', 'lyon', '--name', 'Ville de Lyon');
  const site = await glc(
    'client',
    'add',
    '--commune',
    'lyon',
    '--name',
    'bench site',
    '--redirect-uri',
    'https://bench.example/cb',
    '--first-party',
  );
  const service = await glc(
    'client',
    'add',
    '--commune',
    'lyon',
    '--name',
    'bench service',
    '--grant-type',
    'client_credentials',
    '--scope',
    'openid',
  );
  const password = 'bench password that is long enough';
  // One citizen per four clients: a citizen signs in from one address at most `perAccountAndAddress.free` (5)
  // times at once before the throttle makes the next attempts wait (429), which would measure the throttle.
  const citizens = Array.from({ length: Math.ceil(concurrency / 4) }, (_, i) => `bench-${i}@example.org`);
  for (const email of citizens) await glc('account', 'add', '--email', email, '--password', password, '--verified');
  let nextCitizen = 0;

  const server = spawn(process.execPath, [join(root, 'dist/main.js')], { env, stdio: 'ignore' });
  for (
    let i = 0;
    i < 200 &&
    !(await fetch(`${issuer}/readyz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const basic = (client) =>
    `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
  const form = (body) => ({ 'content-type': 'application/x-www-form-urlencoded', body: new URLSearchParams(body).toString() });
  const post = async (path, client, body) => {
    const { body: encoded, ...headers } = form(body);
    const response = await fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { ...headers, authorization: basic(client) },
      body: encoded,
    });
    if (!response.ok) throw new Error(`${path} ${response.status}`);
    return response.json();
  };

  /** A whole sign-in: authorize, login page, password (argon2id), code, token exchange. */
  async function codeFlow() {
    const cookies = new Map();
    const keep = (response) => {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    };
    const go = async (url, init = {}) => {
      const response = await fetch(new URL(url, issuer), {
        redirect: 'manual',
        ...init,
        headers: { ...init.headers, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      keep(response);
      return response;
    };
    const verifier = randomBytes(32).toString('base64url');
    const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
    const authorize = await go(
      `/auth?client_id=${site.client_id}&response_type=code&scope=openid%20email&redirect_uri=${encodeURIComponent('https://bench.example/cb')}&code_challenge=${challenge}&code_challenge_method=S256`,
    );
    const interactionUrl = authorize.headers.get('location');
    const page = await (await go(interactionUrl)).text();
    const action = /action="([^"]+\/login)"/.exec(page)[1];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)[1];
    const email = citizens[nextCitizen++ % citizens.length];
    const login = await go(action, { method: 'POST', ...form({ _csrf: csrf, email, password }), headers: form({}) });
    let location = login.headers.get('location');
    while (location && !location.startsWith('https://bench.example')) location = (await go(location)).headers.get('location');
    const code = new URL(location).searchParams.get('code');
    return post('/token', site, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://bench.example/cb',
      code_verifier: verifier,
    });
  }

  const seed = await codeFlow();
  let refreshToken = seed.refresh_token;
  console.log(
    `GrandLyonConnect benchmark — ${database.url ? 'Postgres server' : 'embedded PGlite'}, ${concurrency} concurrent clients, ${seconds}s per scenario, node ${process.version}`,
  );
  const results = [];
  results.push(
    await measure('discovery', async () => {
      const r = await fetch(`${issuer}/.well-known/openid-configuration`);
      await r.arrayBuffer();
      if (!r.ok) throw new Error();
    }),
  );
  results.push(
    await measure('jwks', async () => {
      const r = await fetch(`${issuer}/jwks`);
      await r.arrayBuffer();
      if (!r.ok) throw new Error();
    }),
  );
  results.push(await measure('client_credentials token', () => post('/token', service, { grant_type: 'client_credentials' })));
  results.push(
    await measure('userinfo', async () => {
      const r = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${seed.access_token}` } });
      await r.arrayBuffer();
      if (!r.ok) throw new Error();
    }),
  );
  results.push(await measure('introspection', () => post('/token/introspection', site, { token: seed.access_token })));
  results.push(await measure('full sign-in (argon2id + code + token)', codeFlow));
  results.push(
    await measure('refresh token (rotation)', async () => {
      const current = refreshToken;
      const tokens = await post('/token', site, { grant_type: 'refresh_token', refresh_token: current }).catch(() => codeFlow());
      refreshToken = tokens.refresh_token;
    }),
  );
  console.table(results);
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await database.drop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
