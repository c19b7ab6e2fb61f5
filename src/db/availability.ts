// A request that failed because the database cannot be reached is "unavailable" (503 with Retry-After),
// not a 500: the service is sound and will answer again once the database is back.
import { AppError, unavailable } from '../errors.js';
import type { Queryable } from './pool.js';
import { hasAnySqlState, isConnectionFailure } from './sqlstate.js';

// Long enough for a database that answers, short enough that an error page is not held up by a dead one.
const PROBE_TIMEOUT_MS = 1000;

async function answers(db: Queryable): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.query('select 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('probe timeout')), PROBE_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The error as 'unavailable' when it comes from an unreachable database, else undefined. pg reports some
 * connection failures with a code (refused, SQLSTATE class 08…) and others without one ("connection
 * terminated", the pool's connect timeout): for those, rather than read the message, the database is asked.
 */
export function databaseUnavailability(db: Queryable, retryAfterSeconds: number): (error: unknown) => Promise<AppError | undefined> {
  const outage = () => unavailable('database_unavailable', retryAfterSeconds, 'the database cannot be reached');
  return async (error) => {
    if (error instanceof AppError) return undefined;
    if (isConnectionFailure(error)) return outage();
    if (hasAnySqlState(error)) return undefined; // the database answered: a real error
    return (await answers(db)) ? undefined : outage();
  };
}
