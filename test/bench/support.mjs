// What the benchmarks share: the built server and glc run as processes of their own, a free port, a
// database of their own on the Postgres server DATABASE_URL names, latency percentiles.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export const root = new URL('../../', import.meta.url).pathname;

export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** The value below which `p` % of the sorted samples fall. */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** A fresh database named `prefix_…` on DATABASE_URL's server; without DATABASE_URL, none (the embedded one). */
export async function aBenchDatabase(prefix) {
  if (!process.env.DATABASE_URL) return { url: undefined, drop: async () => {} };
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Runs a built script of the project (`dist/cli/glc.js`) to its end; answers its stdout. */
export function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, command), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}
