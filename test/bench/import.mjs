#!/usr/bin/env node
// Benchmark of glc account import: for each size of BENCH_IMPORT_LINES (comma-separated; 10,000, 100,000 and
// 300,000 by default) writes a commune's file of that many lines (one address in ten given twice, so that merges
// are measured too), imports it with glc into a fresh database and prints accounts per second (lines over the
// command's whole wall time, start-up included), the command's peak RSS and its peak live heap (after garbage
// collection, sampled every second): the sizes side by side show whether memory follows the file.
// Usage: npm run bench:import. Environment: DATABASE_URL (a Postgres server, where a fresh database is made;
// default postgres://postgres@127.0.0.1:5432/postgres), BENCH_IMPORT_LINES, BENCH_IMPORT_MAIL=1 (queue the
// citizens' mails too; --no-mail otherwise), BENCH_NODE_OPTIONS (more options for the import's Node).
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { aBenchDatabase, root, run } from './support.mjs';

const sizes = (process.env.BENCH_IMPORT_LINES ?? '10000,100000,300000').split(',').map(Number);
const isMailing = process.env.BENCH_IMPORT_MAIL === '1';
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

/** The file, written as a stream; each line's hash is of a known format (the import stores it as it is). */
async function writeFile(path, lines) {
  const hash = bcrypt.hashSync('un ancien mot de passe', 4);
  const out = createWriteStream(path);
  const distinct = Math.ceil(lines * 0.9);
  for (let i = 0; i < lines; i += 1) {
    const line = JSON.stringify({
      email: `citoyen-${i % distinct}@example.org`,
      given_name: 'Jeanne',
      family_name: `Nom ${i}`,
      phone_number: '+33 6 12 34 56 78',
      address: { street_address: `${i} rue de la République`, postal_code: '69001', locality: 'Lyon' },
      created_at: new Date(Date.UTC(2012, 0, 1) + i * 60_000).toISOString(),
      legacy_id: `u${i}`,
      password_hash: hash,
    });
    if (!out.write(line + '\n')) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
}

async function importOf(lines) {
  const dir = mkdtempSync(join(tmpdir(), 'glc-bench-import-'));
  const file = join(dir, 'accounts.jsonl');
  const memoryFile = join(dir, 'memory.json');
  await writeFile(file, lines);
  const database = await aBenchDatabase('glc_bench_import');
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    SECRET_KEY: 'bench-secret-key-0123456789-0123456789-abcdef',
    LOG_LEVEL: 'warn',
  };
  try {
    await run('dist/cli/glc.js', ['migrate', '--json'], env);
    await run('dist/cli/glc.js', ['commune', 'add', '--slug', 'lyon', '--name', 'Ville de Lyon', '--json'], env);
    const args = ['account', 'import', '--commune', 'lyon', '--file', file, '--json', ...(isMailing ? [] : ['--no-mail'])];
    const started = performance.now();
    const report = JSON.parse(
      await run('dist/cli/glc.js', args, {
        ...env,
        BENCH_MEMORY_FILE: memoryFile,
        NODE_OPTIONS: `${process.env.BENCH_NODE_OPTIONS ?? ''} --expose-gc --import=${join(root, 'test/bench/memory-probe.mjs')}`.trim(),
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const memory = JSON.parse(readFileSync(memoryFile, 'utf8'));
    console.log(
      JSON.stringify({
        scenario: 'account import',
        lines: report.lines,
        imported: report.imported,
        merged: report.merged,
        rejected: report.rejected.length,
        mails: report.mails,
        seconds: Number(seconds.toFixed(2)),
        'accounts/s': Math.round(report.lines / seconds),
        'peak RSS MiB': Math.round(memory.maxRssKiB / 1024),
        'peak live heap MiB': Math.round(memory.maxLiveHeapKiB / 1024),
      }),
    );
  } finally {
    await database.drop();
  }
}

for (const lines of sizes) await importOf(lines);
