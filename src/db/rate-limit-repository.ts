// All SQL about throttles: one row per key; an attempt is counted and decided in one statement, so that
// parallel requests cannot all pass a check before any of them is counted.
import type { Pool, Queryable } from './pool.js';
import { oneRow } from './rows.js';

export interface ThrottleKey {
  key: string;
  /** Attempts in a window that never wait. */
  free: number;
  windowSeconds: number;
  /** The wait after the free attempts, doubled at each further one, up to maxDelaySeconds. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
}

// The attempt count once this attempt is in: a window that has ended starts again at 1.
const HITS_NOW = 'case when t.window_ends_at <= now() then 1 else t.hits + 1 end';
// 2^30 seconds is past any cap: the exponent stops there so that power() never overflows.
const delayAfter = (hits: string) => `case when ${hits} < $2 then null
  else now() + make_interval(secs => least($4 * power(2, least(${hits} - $2, 30)), $5)) end`;

/**
 * Counts one attempt on the key unless it must still wait; answers undefined when counted, otherwise
 * the seconds to wait. The row lock taken by `on conflict` serialises concurrent attempts on one key.
 */
async function takeOne(db: Queryable, rule: ThrottleKey): Promise<number | undefined> {
  const { rows } = await db.query<{ is_counted: boolean; retry_after_seconds: number | null }>(
    `with attempt as (
       insert into throttles as t (key, hits, window_ends_at, not_before)
       values ($1, 1, now() + make_interval(secs => $3), ${delayAfter('1')})
       on conflict (key) do update set
         hits = ${HITS_NOW},
         window_ends_at = case when t.window_ends_at <= now() then excluded.window_ends_at else t.window_ends_at end,
         not_before = ${delayAfter(HITS_NOW)}
       where t.window_ends_at <= now() or t.not_before is null or t.not_before <= now()
       returning hits
     )
     select exists (select 1 from attempt) as is_counted,
            (select ceil(extract(epoch from t.not_before - now()))::integer from throttles t where t.key = $1) as retry_after_seconds`,
    [rule.key, rule.free, rule.windowSeconds, rule.firstDelaySeconds, rule.maxDelaySeconds],
  );
  const row = oneRow(rows, 'take a throttle attempt');
  return row.is_counted ? undefined : Math.max(1, row.retry_after_seconds ?? 1);
}

/**
 * Counts one attempt on every key, or on none of them when one must still wait: a refusal by a ceiling
 * must not spend the attempts of a pair. Answers the seconds to wait, or undefined when the attempt is
 * counted. Several keys are one round trip: take_throttle_attempt runs the statement of takeOne for each,
 * in the order given (callers give pair, account, address, so row locks are always taken in the same
 * order), and rolls back those counted before a refusal (migration 20261208030000).
 */
export async function takeThrottleAttempt(pool: Pool, rules: readonly ThrottleKey[]): Promise<number | undefined> {
  const [only] = rules;
  if (rules.length === 1 && only) return takeOne(pool, only);
  return (await takeThrottleAttemptWith(pool, rules)).wait;
}

/** A statement answering one value, its parameters from $1; named: prepared once per connection with the take. */
export interface Alongside {
  name?: string;
  text: string;
  values: unknown[];
}

const TAKE = `take_throttle_attempt($1::text[], $2::integer[], $3::integer[], $4::integer[], $5::integer[])`;

/**
 * takeThrottleAttempt, and in the same round trip the answer of `alongside` (the account a password check
 * reads next). The take is the select list's first item, the subquery a second one: the caller looks at that
 * answer only when the attempt was counted (a refused attempt reads what it reads, and checks nothing).
 */
export async function takeThrottleAttemptWith(
  pool: Pool,
  rules: readonly ThrottleKey[],
  alongside?: Alongside,
): Promise<{ wait: number | undefined; alongside: unknown }> {
  const values = [
    rules.map((rule) => rule.key),
    rules.map((rule) => rule.free),
    rules.map((rule) => rule.windowSeconds),
    rules.map((rule) => rule.firstDelaySeconds),
    rules.map((rule) => rule.maxDelaySeconds),
  ];
  const { rows } = await pool.query<{ wait: number | null; alongside?: unknown }>(
    alongside
      ? {
          ...(alongside.name ? { name: `take-throttle-attempt+${alongside.name}` } : {}),
          text: `select ${TAKE} as wait, (${alongside.text.replace(/\$(\d+)/g, (_match, n: string) => `$${Number(n) + values.length}`)}) as alongside`,
          values: [...values, ...alongside.values],
        }
      : { name: 'take-throttle-attempt', text: `select ${TAKE} as wait`, values },
  );
  const row = oneRow(rows, 'take throttle attempts');
  return { wait: row.wait ?? undefined, alongside: row.alongside };
}

// Forgetting and refunding touch one row per statement, in the callers' order: a statement over several
// rows would lock them in whatever order the table holds them, and deadlock against an attempt that
// locks the same rows in the fixed order (pair, account, address) — measured under a sign-in load. The
// function settle_throttles runs those statements one by one, in one round trip.

/** Forgets `forgotten` (a pair that proved the password starts afresh), then gives `refunded` an attempt back. */
export async function settleThrottles(db: Queryable, forgotten: string[], refunded: string[]): Promise<void> {
  if (!forgotten.length && !refunded.length) return;
  await db.query({ name: 'settle-throttles', text: `select settle_throttles($1::text[], $2::text[])`, values: [forgotten, refunded] });
}

/** A pair that proved the password starts afresh. */
export async function deleteThrottles(db: Queryable, keys: string[]): Promise<void> {
  await settleThrottles(db, keys, []);
}

/** Gives an attempt back (it succeeded, or its work never ran); a wait already set stays. */
export async function refundThrottles(db: Queryable, keys: string[]): Promise<void> {
  await settleThrottles(db, [], keys);
}

/** Rows whose window ended before `before` (the background sweep). */
export async function deleteRateCountersBefore(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(`delete from throttles where window_ends_at < $1`, [before]);
  return rowCount ?? 0;
}
