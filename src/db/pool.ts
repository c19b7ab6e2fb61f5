// One driver, two servers: a pg Pool on the Postgres named by DATABASE_URL, or on the embedded PGlite socket.
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool itself or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

// Timestamps stay Date objects; bigint counts come back as numbers (they never pass 2^53 here).
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface PoolOptions {
  connectionString: string;
  max: number;
  applicationName: string;
}

export function createPool({ connectionString, max, applicationName }: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: applicationName,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its server (restart, failover) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
