// All SQL about rate-limit counters: one row per key and window.
import type { Queryable } from './pool.js';

/** Counts one event for each key in the window starting at windowStart. */
export async function incrementRateCounters(db: Queryable, keys: string[], windowStart: Date): Promise<void> {
  await db.query(
    `insert into rate_limit_counters (key, window_start)
     select key, $2 from unnest($1::text[]) as key
     on conflict (key, window_start) do update set hits = rate_limit_counters.hits + 1`,
    [keys, windowStart],
  );
}

/** The events counted so far in the window, per key (absent keys have none). */
export async function readRateCounters(db: Queryable, keys: string[], windowStart: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ key: string; hits: number }>(
    `select key, hits from rate_limit_counters where key = any($1::text[]) and window_start = $2`,
    [keys, windowStart],
  );
  return new Map(rows.map((row) => [row.key, row.hits]));
}

export async function deleteRateCountersBefore(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(`delete from rate_limit_counters where window_start < $1`, [before]);
  return rowCount ?? 0;
}
