// Opens the database the configuration names: the Postgres server of DATABASE_URL, or the embedded one.
import type { Config } from '../config.js';
import { startEmbedded } from './embedded.js';
import { createPool, type Pool } from './pool.js';

export { migrate } from './migrate.js';
export { createPool, roundTripsOf, watchRoundTrips, type RoundTripListener } from './pool.js';
export { afterCommit, withTransaction, type Effect, type UnitOfWork } from './unit-of-work.js';
export type { Pool, PoolClient, Queryable } from './pool.js';
export { hasSqlState, UNIQUE_VIOLATION, FOREIGN_KEY_VIOLATION, CHECK_VIOLATION } from './sqlstate.js';
export { databaseUnavailability } from './availability.js';
export { startEmbedded } from './embedded.js';

export interface Database {
  pool: Pool;
  isEmbedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  applicationName: string,
  maxConnections = 10,
  /**
   * mayCreateEmbedded: whether an embedded database may be initialised under DATA_DIR when it holds none (see
   * embedded.ts). countRoundTrips: the pool counts its statements (glc_sql_round_trips_total): one increment per
   * statement, on by default so that the bench and an operator read the same figure.
   */
  { mayCreateEmbedded = true, countRoundTrips = true }: { mayCreateEmbedded?: boolean; countRoundTrips?: boolean } = {},
): Promise<Database> {
  if (config.databaseUrl) {
    const pool = createPool({ connectionString: config.databaseUrl, max: maxConnections, applicationName, countRoundTrips });
    return { pool, isEmbedded: false, close: () => pool.end() };
  }
  const embedded = await startEmbedded(config.dataDir, { mayCreate: mayCreateEmbedded });
  // PGlite runs one query at a time: one connection avoids interleaving transactions.
  const pool = createPool({
    connectionString: embedded.connectionString,
    max: 1,
    applicationName,
    countRoundTrips,
    namedStatements: false,
  });
  return {
    pool,
    isEmbedded: true,
    async close() {
      await pool.end();
      await embedded.stop();
    },
  };
}
export { listen } from './notifications.js';
export { oneRow } from './rows.js';
export {
  takeThrottleAttempt,
  takeThrottleAttemptWith,
  deleteThrottles,
  refundThrottles,
  settleThrottles,
  deleteRateCountersBefore,
  type ThrottleKey,
} from './rate-limit-repository.js';
