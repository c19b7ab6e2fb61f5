// What the benchmark prints: one table (both servers per scenario), the argon2 bound, the machine, and the
// targets of issue 12 point 4 as PASS/FAIL lines. The run never fails on a target: they are for reading.
import { percentile } from './support.mjs';

const MB = 1024;

/** One server's figures for a scenario, from its merged rounds; the Postgres share only of a Postgres server's backends. */
export function summarise({ latencies, errors, firstError, elapsed, cpuMs, postgresCpuMs }, sqlPerOp, hasPostgresServer = false) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ok = sorted.length;
  return {
    requestsPerSecond: ok / elapsed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    cpuMsPerOp: ok ? cpuMs / ok : undefined,
    postgresCpuMsPerOp: ok && hasPostgresServer ? postgresCpuMs / ok : undefined,
    sqlPerOp,
    ok,
    errors,
    ...(firstError ? { firstError } : {}),
  };
}

const fixed = (value, digits = 1) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const cpu = (value) => (value === undefined ? 'n/a' : value.toFixed(value < 1 ? 3 : 2));

export function table(rows) {
  const head = [
    'scenario',
    'GLC req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/op',
    'of it PG',
    'SQL/op',
    'bare req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/op',
    'CPU ×bare',
  ];
  const lines = rows.map(({ label, ours, bare, cpuRatio }) => [
    label,
    fixed(ours.requestsPerSecond, 0),
    fixed(ours.p50Ms),
    fixed(ours.p99Ms),
    cpu(ours.cpuMsPerOp),
    cpu(ours.postgresCpuMsPerOp),
    ours.sqlPerOp === undefined ? 'n/a' : fixed(ours.sqlPerOp),
    fixed(bare.requestsPerSecond, 0),
    fixed(bare.p50Ms),
    fixed(bare.p99Ms),
    cpu(bare.cpuMsPerOp),
    cpuRatio === undefined ? 'n/a' : `${cpuRatio.toFixed(2)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
  const format = (cells) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  return [format(head), `|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`]
    .concat(lines.map(format))
    .join('\n');
}

/** Issue 12 point 4, each target with its figures. */
export function targets({ rows, argon2, rss }) {
  const of = Object.fromEntries(rows.map((row) => [row.key, row]));
  const check = (name, value, bound, formula) => ({
    name,
    pass: value !== undefined && bound !== undefined && value <= bound,
    value,
    bound,
    formula,
  });
  const cpuWithin = (key, factor, name) =>
    check(name, of[key].ours.cpuMsPerOp, of[key].bare.cpuMsPerOp * factor, `≤ ${factor} × bare ${cpu(of[key].bare.cpuMsPerOp)} ms`);
  const login = of.login;
  const loginBound = argon2.cpuMsPerVerification + 2 * login.bare.cpuMsPerOp;
  const atLeast = (name, value, bound, formula) => ({ name, pass: value >= bound, value, bound, formula });
  return [
    cpuWithin('client_credentials', 1.5, 'client credentials (opaque): CPU ms/op'),
    cpuWithin('client_credentials_jwt', 1.5, 'client credentials (JWT): CPU ms/op'),
    check(
      'full login: CPU ms/op',
      login.ours.cpuMsPerOp,
      loginBound,
      `≤ argon2 ${cpu(argon2.cpuMsPerVerification)} + 2 × bare ${cpu(login.bare.cpuMsPerOp)} ms`,
    ),
    cpuWithin('refresh', 2, 'refresh: CPU ms/op'),
    cpuWithin('discovery', 1.2, 'discovery: CPU ms/op'),
    cpuWithin('jwks', 1.2, 'JWKS: CPU ms/op'),
    atLeast(
      'logins/s',
      login.ours.requestsPerSecond,
      0.7 * argon2.verificationsPerSecond,
      `≥ 70 % of the argon2 bound ${fixed(argon2.verificationsPerSecond)}/s`,
    ),
    atLeast(
      'client-credentials tokens/s',
      of.client_credentials.ours.requestsPerSecond,
      of.client_credentials.bare.requestsPerSecond,
      `≥ bare single process ${fixed(of.client_credentials.bare.requestsPerSecond, 0)}/s`,
    ),
    check('RSS per worker at rest, MB', rss.maxWorkerKiB / MB, 150, '≤ 150 MB'),
  ];
}

export function targetLines(results) {
  return results.map(
    ({ name, pass, value, formula }) => `${pass ? 'PASS' : 'FAIL'}  ${name} = ${value === undefined ? 'n/a' : fixed(value, 3)} ${formula}`,
  );
}
