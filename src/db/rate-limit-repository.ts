// All SQL about rate-limit counters: one row per key and window, counted in one round trip.
import type { Queryable } from './pool.js';

/** Counts one hit for key in the window starting at windowStart; answers the hits so far, this one included. */
export async function incrementRateCounter(db: Queryable, key: string, windowStart: Date): Promise<number> {
  const { rows } = await db.query<{ hits: number }>(
    `insert into rate_limit_counters (key, window_start) values ($1, $2)
     on conflict (key, window_start) do update set hits = rate_limit_counters.hits + 1
     returning hits`,
    [key, windowStart],
  );
  return rows[0]!.hits;
}

export async function deleteRateCountersBefore(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(`delete from rate_limit_counters where window_start < $1`, [before]);
  return rowCount ?? 0;
}
