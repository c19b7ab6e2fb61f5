// One measurement: `concurrency` clients running an operation back to back for a while, the server's CPU
// (its process tree, and apart its Postgres backends) sampled meanwhile; and the SQL round trips of a few
// operations run one after another on one connection, read from glc_sql_round_trips_total before and after.
import { cpuMeter, processTree } from './cpu.mjs';
import { operationsOf } from './flows.mjs';

const SAMPLE_EVERY_MS = 200;

/** Runs `operation(slot)` from `concurrency` slots for `seconds`; answers latencies, counts and CPU ms. */
export async function timed(target, operation, { seconds, concurrency }) {
  const meters = [cpuMeter(async () => processTree(target.pid)), cpuMeter(() => target.backends())];
  const latencies = [];
  let errors = 0;
  let firstError;
  await Promise.all(meters.map((meter) => meter.start()));
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    Promise.all(meters.map((meter) => meter.sample())).finally(() => (sampling = false));
  }, SAMPLE_EVERY_MS);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const slot = async (index) => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      try {
        await operation(index);
        latencies.push(performance.now() - begun);
      } catch (error) {
        errors += 1;
        firstError ??= error.message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => slot(index)));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  while (sampling) await new Promise((resolve) => setTimeout(resolve, 10));
  const [serverCpuMs, postgresCpuMs] = await Promise.all(meters.map((meter) => meter.stop()));
  return { latencies, errors, firstError, elapsed, cpuMs: serverCpuMs + postgresCpuMs, postgresCpuMs };
}

/** The pool's statement count as the server publishes it; undefined when it does not (yet). */
async function roundTripsOf(target, dispatcher) {
  const response = await fetch(`${target.issuer}/metrics`, { dispatcher });
  const text = await response.text();
  if (!response.ok) return undefined;
  const values = [...text.matchAll(/^glc_sql_round_trips_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/gm)].map((m) => Number(m[1]));
  return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * SQL round trips per operation: `count` operations one after another on one kept-alive connection, so that
 * one worker serves them all and its counter tells their statements (background work adds its few).
 */
export async function sqlPerOperation(target, operation, count) {
  if (!target.countsSql) return undefined;
  // The Agent behind the global fetch (Node bundles undici without exporting it): one connection, one worker.
  const Agent = globalThis[Symbol.for('undici.globalDispatcher.1')].constructor;
  const dispatcher = new Agent({ connections: 1 });
  try {
    const ops = operationsOf(target, dispatcher);
    const state = await operation.prepare?.(ops, 1, target);
    const before = await roundTripsOf(target, dispatcher);
    if (before === undefined) return undefined;
    for (let i = 0; i < count; i++) await operation.run(ops, state, 0, target);
    // A write the server does after its answer (if any) lands before the counter is read again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await roundTripsOf(target, dispatcher);
    return after === undefined ? undefined : (after - before) / count;
  } finally {
    await dispatcher.close();
  }
}
