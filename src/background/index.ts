// What runs beside requests. In every process: the LISTEN that invalidates its own caches (clients, keys; the key
// reload timer lives with the provider, oidc/index.ts). Once per deployment: the jobs that write — sweeping
// expired rows, mail delivery and purge, retention — in the one process that holds the background advisory lock,
// whichever worker or machine that is; when it dies another one takes over at its next attempt.
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { listen, type Database } from '../db/index.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mail/index.js';
import { KEY_CHANGES_CHANNEL, sweepExpiredRows, type Oidc } from '../oidc/index.js';
import { CLIENT_CHANGES_CHANNEL, type Registry } from '../registry/index.js';
import type { RetentionJob } from '../services/index.js';
import { deleteJobRunsBefore, type Runner } from './job-run-repository.js';
import { runJobs, type Job } from './jobs.js';
import { holdSessionLock } from './session-lock.js';

/** The lock's number, apart from the keys' (oidc/key-repository.ts): the same in every process of a deployment. */
export const BACKGROUND_LOCK = 7_302_115_002;

const JOB_RUNS_KEPT_MS = 30 * 86_400_000;

export interface BackgroundParts {
  registry: Pick<Registry, 'forget'>;
  oidc: Pick<Oidc, 'reloadKeysIfChanged' | 'stop'>;
  mailer: Pick<Mailer, 'deliverDue' | 'purge'>;
  retention: Pick<RetentionJob, 'run'>;
}

function singletonJobs(config: Config, log: Logger, database: Database, parts: BackgroundParts): Job[] {
  const { pool } = database;
  return [
    {
      name: 'cleanup',
      everySeconds: config.cleanup.intervalSeconds,
      run: async () => {
        await sweepExpiredRows(pool, log, config.cleanup);
        await deleteJobRunsBefore(pool, new Date(Date.now() - JOB_RUNS_KEPT_MS));
      },
    },
    { name: 'mail.deliver', everySeconds: config.mail.pollIntervalSeconds, run: () => parts.mailer.deliverDue() },
    { name: 'mail.purge', everySeconds: config.mail.purgeIntervalSeconds, run: () => parts.mailer.purge() },
    { name: 'retention', everySeconds: config.retention.intervalSeconds, run: () => parts.retention.run() },
  ];
}

/** Starts this process's share of the background work; answers its stop, which waits for the runs in progress. */
export function startBackgroundWork(config: Config, log: Logger, database: Database, parts: BackgroundParts): () => Promise<void> {
  const runner: Runner = { host: hostname(), pid: process.pid, startedAt: new Date() };
  const start = () => runJobs(singletonJobs(config, log, database, parts), { db: database.pool, runner, log });
  // The embedded database belongs to the one process that opened DATA_DIR: nobody else to hear or to share with.
  if (database.isEmbedded || !config.databaseUrl) {
    const stopJobs = start();
    return async () => {
      parts.oidc.stop();
      await stopJobs();
    };
  }
  const reloadKeys = () =>
    parts.oidc.reloadKeysIfChanged().catch((error: unknown) => log.warn({ event: 'keys.reload_failed', err: error }, 'keys.reload_failed'));
  const stopListening = listen(
    config.databaseUrl,
    [CLIENT_CHANGES_CHANNEL, KEY_CHANGES_CHANNEL],
    (channel, payload) => {
      if (channel === CLIENT_CHANGES_CHANNEL) parts.registry.forget(payload);
      else void reloadKeys();
    },
    log,
    // Announcements made while this worker was not listening are lost: it forgets every client it cached.
    () => {
      parts.registry.forget();
      void reloadKeys();
    },
  );
  const releaseLock = holdSessionLock({
    connectionString: config.databaseUrl,
    key: BACKGROUND_LOCK,
    retrySeconds: config.background.lockRetrySeconds,
    log,
    onAcquired: start,
  });
  return async () => {
    parts.oidc.stop();
    await releaseLock();
    await stopListening();
  };
}
