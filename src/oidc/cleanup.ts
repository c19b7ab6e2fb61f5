// Sweeps expired oidc_payloads (and the factors' expired rows, the console's ended sessions) in small batches.
// One pass; the deployment's background work (background/) runs it on its interval in one process, and
// requests never wait on it. Batches stay small and skip locked rows, so a pass never holds up the requests.
import { deleteRateCountersBefore, type Queryable } from '../db/index.js';
import { deleteExpiredFactorRows } from '../accounts/index.js';
import { deleteEndedConsoleSessions } from '../operators/index.js';
import type { Logger } from '../log.js';
import { deleteExpiredPayloads } from './payload-repository.js';
import { deleteOrphanSessionActivity } from './session-activity-repository.js';

/** One pass over every expired row; answers how many went. */
export async function sweepExpiredRows(db: Queryable, log: Logger, options: { batchSize: number }): Promise<number> {
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
  return total;
}
