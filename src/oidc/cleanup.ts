// Sweeps expired oidc_payloads (and the factors' expired rows, the console's ended sessions) in small batches in the background; several instances share the work
// (skip locked) and requests never wait on it.
import { deleteRateCountersBefore, type Queryable } from '../db/index.js';
import { deleteExpiredFactorRows } from '../accounts/index.js';
import { deleteEndedConsoleSessions } from '../operators/index.js';
import type { Logger } from '../log.js';
import { deleteExpiredPayloads } from './payload-repository.js';
import { deleteOrphanSessionActivity } from './session-activity-repository.js';

export function startCleanup(db: Queryable, log: Logger, options: { intervalSeconds: number; batchSize: number }): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      let total = 0;
      for (;;) {
        const deleted = await deleteExpiredPayloads(db, options.batchSize);
        total += deleted;
        if (deleted < options.batchSize) break;
      }
      // Rate-limit windows last a minute or an hour; a day keeps recent ones for inspection.
      total += await deleteRateCountersBefore(db, new Date(Date.now() - 86_400_000));
      total += await deleteOrphanSessionActivity(db);
      total += await deleteExpiredFactorRows(db, options.batchSize);
      total += await deleteEndedConsoleSessions(db, options.batchSize);
      if (total > 0) log.info({ event: 'cleanup.swept', deleted: total }, 'cleanup.swept');
    } catch (error) {
      log.warn({ event: 'cleanup.failed', err: error }, 'cleanup.failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), options.intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
