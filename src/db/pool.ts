// One driver, two servers: a pg Pool on the Postgres named by DATABASE_URL, or on the embedded PGlite socket.
// A pool made with `countRoundTrips` counts every statement sent to the server (pool.query, a checked-out
// client's query, BEGIN and COMMIT alike): the bench and the round-trip test read it per operation.
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
  /** Counts the round trips to the server (roundTripsOf, watchRoundTrips). */
  countRoundTrips?: boolean;
  /**
   * Whether statements given a name are prepared once per connection (false: sent unnamed). The embedded
   * server holds one session for all its sockets and for its whole life: each reconnection (idle timeout)
   * would leave its prepared statements behind there, so it gets none.
   */
  namedStatements?: boolean;
}

/** Told the text (or the prepared statement's name) of each statement as it is sent. */
export type RoundTripListener = (statement: string) => void;

interface RoundTripCounter {
  count: number;
  listeners: Set<RoundTripListener>;
}

const counters = new WeakMap<pg.Pool, RoundTripCounter>();

/** How many statements the pool sent to the server since it was made; undefined when it does not count. */
export function roundTripsOf(pool: pg.Pool): number | undefined {
  return counters.get(pool)?.count;
}

/** Calls `listener` for each statement the (counting) pool sends; answers the call that stops it. */
export function watchRoundTrips(pool: pg.Pool, listener: RoundTripListener): () => void {
  const counter = counters.get(pool);
  if (!counter) throw new Error('watchRoundTrips: a pool made with countRoundTrips');
  counter.listeners.add(listener);
  return () => counter.listeners.delete(listener);
}

function statementOf(first: unknown): string {
  if (typeof first === 'string') return first;
  const config = first as { name?: unknown; text?: unknown } | null;
  if (typeof config?.name === 'string') return `[${config.name}]`;
  return typeof config?.text === 'string' ? config.text : '';
}

let connections = 0;

/**
 * The same query under another name (`rename`), or unnamed (`rename` undefined: pg then parses it each time
 * and prepares nothing). Only a plain { name, text, values }: a submittable (a cursor, a stream) goes as it is.
 */
function renamed(args: unknown[], rename: ((name: string) => string) | undefined): unknown[] {
  const [first, ...rest] = args;
  if (typeof first !== 'object' || first === null || Object.getPrototypeOf(first) !== Object.prototype) return args;
  const { name, ...config } = first as { name?: unknown };
  if (typeof name !== 'string') return args;
  return [rename ? { ...config, name: rename(name) } : config, ...rest];
}

/**
 * pool.query checks a client out and calls its query: wrapping each client's query once, as it connects,
 * counts both paths exactly once. A named statement is prepared under a name of that connection's own: a
 * server that shares one session between its sockets (PGlite) never sees a name twice.
 */
function wrapQueries(pool: pg.Pool, { count, named }: { count: boolean; named: boolean }): void {
  const counter: RoundTripCounter = { count: 0, listeners: new Set() };
  if (count) counters.set(pool, counter);
  pool.on('connect', (client) => {
    const serial = (connections += 1);
    const rename = named ? (name: string) => `${name}~${serial}` : undefined;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (count) {
        counter.count += 1;
        if (counter.listeners.size) for (const listener of counter.listeners) listener(statementOf(args[0]));
      }
      return query(...renamed(args, rename));
    };
  });
}

export function createPool({
  connectionString,
  max,
  applicationName,
  countRoundTrips = false,
  namedStatements = true,
}: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: applicationName,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its server (restart, failover) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  wrapQueries(pool, { count: countRoundTrips, named: namedStatements });
  return pool;
}
