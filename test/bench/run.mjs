#!/usr/bin/env node
// npm run bench: GrandLyonConnect beside the bare oidc-provider (same library version, in memory, its
// development interactions), both started here as processes of their own and measured in the same run with
// interleaved rounds (ours, bare, ours, bare…) so that the machine's noise falls on both. Per scenario:
// requests/s, p50/p99, server CPU ms per operation (the process and its workers, plus the Postgres backends of
// its database, from /proc), SQL round trips per operation (glc_sql_round_trips_total), the ratio of CPU to the
// bare library's. Then the argon2 bound, the machine, and the targets of issue 12 point 4 as PASS/FAIL lines.
// `--json`: stdout is one JSON object with the same figures (progress goes to stderr either way).
// Environment: DATABASE_URL (a fresh database is made on that server; without it, the embedded PGlite),
// WORKERS (passed to the server), BENCH_SECONDS (per server per scenario, default 8), BENCH_ROUNDS (default
// 4), BENCH_CONCURRENCY (default 16), BENCH_ARGON2_SECONDS (default 5, half before the rounds, half after).
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { argon2Bound } from './argon2-bound.mjs';
import { processTree, rssKiBOf } from './cpu.mjs';
import { operationsOf } from './flows.mjs';
import { sqlPerOperation, timed } from './measure.mjs';
import { summarise, table, targetLines, targets } from './report.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { startBare, startOurs } from './targets.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const argon2Seconds = Number(process.env.BENCH_ARGON2_SECONDS ?? 5);
const asJson = process.argv.includes('--json');
const progress = (line) => process.stderr.write(`${line}\n`);

const merge = (into, round) => ({
  latencies: into.latencies.concat(round.latencies),
  errors: into.errors + round.errors,
  firstError: into.firstError ?? round.firstError,
  elapsed: into.elapsed + round.elapsed,
  cpuMs: into.cpuMs + round.cpuMs,
  postgresCpuMs: into.postgresCpuMs + round.postgresCpuMs,
});
const empty = () => ({ latencies: [], errors: 0, firstError: undefined, elapsed: 0, cpuMs: 0, postgresCpuMs: 0 });

const megabytes = ({ perWorkerKiB, primaryKiB }) =>
  `${perWorkerKiB.map((kib) => `${(kib / 1024).toFixed(0)} MB`).join(', ')}${primaryKiB ? ` (primary ${(primaryKiB / 1024).toFixed(0)} MB)` : ''}`;

/** The serving processes' resident sets: the workers when there are (the primary serves nothing), else the one. */
function workersRss(pid) {
  const tree = processTree(pid);
  const serving = tree.length > 1 ? tree.slice(1) : tree;
  const perWorkerKiB = serving.map(rssKiBOf).filter((kib) => kib !== undefined);
  return {
    workers: perWorkerKiB.length,
    perWorkerKiB,
    maxWorkerKiB: Math.max(...perWorkerKiB),
    primaryKiB: tree.length > 1 ? rssKiBOf(pid) : undefined,
  };
}

async function measureScenario(scenario, servers) {
  const ops = servers.map((target) => operationsOf(target));
  const states = [];
  for (const [i, target] of servers.entries()) states.push(await scenario.prepare?.(ops[i], concurrency, target));
  const sql = await sqlPerOperation(servers[0], scenario, scenario.sqlCount);
  const totals = servers.map(empty);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of servers.entries()) {
      const run = (slot) => scenario.run(ops[i], states[i], slot, target);
      totals[i] = merge(totals[i], await timed(target, run, { seconds: seconds / rounds, concurrency }));
    }
  }
  const [ours, bare] = [summarise(totals[0], sql, servers[0].hasPostgresServer), summarise(totals[1], undefined)];
  const cpuRatio = ours.cpuMsPerOp !== undefined && bare.cpuMsPerOp ? ours.cpuMsPerOp / bare.cpuMsPerOp : undefined;
  const row = { key: scenario.key, label: scenario.label, ours, bare, cpuRatio };
  progress(
    `  ${scenario.label}: ${ours.requestsPerSecond.toFixed(0)} vs ${bare.requestsPerSecond.toFixed(0)} req/s, CPU ${cpuRatio?.toFixed(2)}× bare${ours.errors + bare.errors ? `, errors ${ours.errors}/${bare.errors} (${ours.firstError ?? bare.firstError})` : ''}`,
  );
  return row;
}

async function main() {
  const machine = {
    date: new Date().toISOString(),
    loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model,
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    database: process.env.DATABASE_URL ? 'Postgres server (same machine)' : 'embedded PGlite',
  };
  progress(
    `GrandLyonConnect benchmark, ${machine.date}, load average ${machine.loadAverage.join(' ')}, ${machine.cores} cores, node ${machine.node}`,
  );
  progress(`argon2 bound: ${argon2Seconds / 2}s on every core, now and after the rounds…`);
  // Measured before and after the servers' rounds, half each, and averaged: the bound sees the same noise.
  const argon2Before = await argon2Bound(argon2Seconds / 2);
  const servers = [await startOurs({ citizenCount: Math.ceil(concurrency / 4) }), await startBare()];
  try {
    progress('warming up…');
    for (const scenario of SCENARIOS) {
      for (const target of servers) {
        const ops = operationsOf(target);
        const state = await scenario.prepare?.(ops, 4, target);
        await timed(target, (slot) => scenario.run(ops, state, slot, target), { seconds: 0.5, concurrency: 4 });
      }
    }
    const workers = processTree(servers[0].pid).length;
    const rssBeforeLoad = workersRss(servers[0].pid);
    progress(`measuring: ${concurrency} concurrent clients, ${seconds}s per server per scenario in ${rounds} interleaved rounds`);
    const rows = [];
    for (const scenario of SCENARIOS) rows.push(await measureScenario(scenario, servers));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rss = workersRss(servers[0].pid);
    const argon2After = await argon2Bound(argon2Seconds / 2);
    const argon2 = {
      ...argon2After,
      verificationsPerSecond: (argon2Before.verificationsPerSecond + argon2After.verificationsPerSecond) / 2,
      cpuMsPerVerification: (argon2Before.cpuMsPerVerification + argon2After.cpuMsPerVerification) / 2,
      runs: [argon2Before, argon2After].map(({ verificationsPerSecond, cpuMsPerVerification }) => ({
        verificationsPerSecond,
        cpuMsPerVerification,
      })),
    };
    const checks = targets({ rows, argon2, rss });
    const result = {
      machine,
      settings: { seconds, rounds, concurrency, serverProcesses: workers },
      argon2,
      rss: { ...rss, beforeLoad: rssBeforeLoad },
      scenarios: rows,
      targets: checks,
    };
    if (asJson) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const lines = [
      `GrandLyonConnect beside the bare oidc-provider — ${machine.date}, ${machine.cores} cores (${machine.cpu}), ${machine.memoryMiB} MiB, node ${machine.node}, ${machine.database}`,
      `load average at the start ${machine.loadAverage.join(' ')}; ${concurrency} concurrent clients on the same machine; ${seconds}s per server per scenario in ${rounds} interleaved rounds; GrandLyonConnect in ${rss.workers} worker(s), the bare library in one process`,
      '',
      table(rows),
      ...rows
        .filter(({ ours, bare }) => ours.errors + bare.errors > 0)
        .map(
          ({ label, ours, bare }) => `errors in ${label}: ${ours.errors} here, ${bare.errors} bare (${ours.firstError ?? bare.firstError})`,
        ),
      '',
      `argon2id bound (m=${argon2.parameters.memoryKiB} KiB, t=${argon2.parameters.timeCost}, p=${argon2.parameters.parallelism}), ${argon2.cores} processes: ${argon2.verificationsPerSecond.toFixed(1)} verifications/s, ${argon2.cpuMsPerVerification.toFixed(1)} ms CPU each (mean of ${argon2.runs.map((run) => `${run.verificationsPerSecond.toFixed(1)}/s`).join(' before and ')} after the rounds)`,
      `RSS per worker at rest, after warm-up: ${megabytes(rssBeforeLoad)}; after the run: ${megabytes(rss)}`,
      '',
      'Targets (issue 12 point 4):',
      ...targetLines(checks),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const server of servers) await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
