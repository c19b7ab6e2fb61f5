// WORKERS above 1: the primary prepares the database once (migrations, the first keys) and forks that many
// workers, which serve one port (node:cluster hands each new connection to one of them). It replaces a worker
// that dies, after a delay that doubles while deaths come quickly, and on SIGTERM drains them all: each closes its
// server, finishes the requests in flight and closes its pools; the primary exits 0 once all have.
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { Config } from './config.js';
import type { Logger } from './log.js';

/** The message the primary sends a worker to make it drain and exit. */
const DRAIN = 'glc:drain';

/** A worker alive longer than this had started well: its death starts the backoff from the first delay again. */
const STEADY_MS = 60_000;

export interface Supervision {
  config: Pick<Config, 'workers' | 'cluster'>;
  log: Logger;
  /** Runs once before any worker exists (migrations, first keys); answers whether it was the first start. */
  prepare: () => Promise<{ isFirstStart: boolean }>;
  /** Called once every worker listens (the welcome of a first start). */
  onListening: (isFirstStart: boolean) => void;
}

/** The wait before forking again after the `quickDeaths`-th death in a row of workers that had not started well. */
export function restartDelaySeconds(quickDeaths: number, policy: Config['cluster']): number {
  return Math.min(policy.restartFirstDelaySeconds * 2 ** Math.max(quickDeaths - 1, 0), policy.restartMaxDelaySeconds);
}

/** The primary: forks, replaces, drains. Never serves a request itself. */
export async function superviseWorkers({ config, log, prepare, onListening }: Supervision): Promise<void> {
  const { isFirstStart } = await prepare();
  const policy = config.cluster;
  const bornAt = new Map<Worker, number>();
  const listening = new Set<Worker>();
  let quickDeaths = 0;
  let failedToDrain = false;
  let draining = false;
  let announced = false;

  const fork = () => {
    const worker = cluster.fork();
    bornAt.set(worker, Date.now());
    worker.once('listening', () => {
      log.info({ event: 'cluster.worker_listening', workerPid: worker.process.pid }, 'cluster.worker_listening');
      listening.add(worker);
      if (!announced && listening.size >= config.workers) {
        announced = true;
        onListening(isFirstStart);
      }
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (bornAt.get(worker) ?? Date.now());
    bornAt.delete(worker);
    listening.delete(worker);
    if (draining) {
      log.info({ event: 'cluster.worker_stopped', workerPid: worker.process.pid, code }, 'cluster.worker_stopped');
      failedToDrain ||= code !== 0;
      if (bornAt.size === 0) process.exit(failedToDrain ? 1 : 0);
      return;
    }
    quickDeaths = lived >= STEADY_MS ? 1 : quickDeaths + 1;
    const delaySeconds = restartDelaySeconds(quickDeaths, policy);
    log.error(
      { event: 'cluster.worker_died', workerPid: worker.process.pid, code, signal, livedMs: lived, restartInSeconds: delaySeconds },
      'cluster.worker_died',
    );
    setTimeout(() => {
      if (!draining) fork();
    }, delaySeconds * 1000);
  });

  const drain = (signal: string) => {
    if (draining) return;
    draining = true;
    log.info({ event: 'cluster.stopping', signal, workers: bornAt.size }, 'cluster.stopping');
    if (bornAt.size === 0) process.exit(0);
    // A worker still starting drains once started (serveUntilStopped); one already gone has nothing to hear.
    for (const worker of bornAt.keys()) if (worker.isConnected()) worker.send(DRAIN);
    // A request that never ends must not keep the deployment from stopping.
    setTimeout(() => {
      log.error({ event: 'cluster.drain_timeout', workers: bornAt.size }, 'cluster.drain_timeout');
      for (const worker of bornAt.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, policy.drainTimeoutSeconds * 1000).unref();
  };
  process.on('SIGTERM', () => drain('SIGTERM'));
  process.on('SIGINT', () => drain('SIGINT'));

  for (let i = 0; i < config.workers; i++) fork();
}

/**
 * A worker (or the single process of WORKERS=1): from its very start, SIGTERM, SIGINT or the primary's drain
 * message closes what `started` opened (once it has) and exits 0 — 1 if closing failed.
 */
export function serveUntilStopped(log: Logger, started: Promise<{ close(): Promise<void> }>): void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'server.stopping', reason }, 'server.stopping');
    started
      .then((running) => running.close())
      .then(
        () => {
          log.info({ event: 'server.stopped' }, 'server.stopped');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ event: 'server.stop_failed', err: error }, 'server.stop_failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  if (cluster.isWorker) {
    process.on('message', (message: unknown) => {
      if (message === DRAIN) stop('drain');
    });
  }
}

/**
 * Stops taking connections and lets the requests in flight finish. A kept-alive connection is closed as soon as it
 * is idle (its response sent) rather than when the client or keepAliveTimeout closes it, so draining takes as long
 * as the slowest request in flight.
 */
export function drainServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
  });
}
