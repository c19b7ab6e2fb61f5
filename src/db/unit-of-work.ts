// One unit of work: a transaction and the effects that must follow its commit (dropping cached copies,
// back-channel logouts, waking the mail worker). An effect runs after COMMIT and after the connection
// went back to the pool, never before and never if the transaction rolled back: the embedded database
// has one connection, so an effect that takes one while the transaction holds it would wait forever.
import pg from 'pg';
import type { Pool, PoolClient, Queryable } from './pool.js';

/** Awaited when it answers a promise. */
export type Effect = () => unknown;

export interface UnitOfWork {
  /** Runs `effect` once the transaction has committed; effects run in the order they were registered. */
  afterCommit(effect: Effect): void;
}

/** The unit each open transaction's client belongs to: code handed only the client can still register effects. */
const units = new WeakMap<PoolClient, UnitOfWork>();

/**
 * Runs `work` in a transaction on a connection of `db`, then its effects. Given the client of a transaction
 * already open, `work` joins that transaction (and its effects wait for that one's commit): a change made
 * of several changes takes one connection, whichever function opened the unit.
 */
export async function withTransaction<T>(db: Pool | PoolClient, work: (tx: PoolClient, unit: UnitOfWork) => Promise<T>): Promise<T> {
  const joined = units.get(db as PoolClient);
  if (joined) return work(db as PoolClient, joined);
  if (!(db instanceof pg.Pool)) throw new Error('withTransaction: a pool, or the client of a transaction it opened');
  const effects: Effect[] = [];
  const unit: UnitOfWork = {
    afterCommit: (effect) => {
      effects.push(effect);
    },
  };
  const client = await db.connect();
  units.set(client, unit);
  let result: T;
  try {
    await client.query('begin');
    result = await work(client, unit);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    units.delete(client);
    client.release();
  }
  await runEffects(effects);
  return result;
}

/**
 * `effect` after the commit of the transaction `db` belongs to, or now when `db` is no transaction (the
 * pool): for code that writes through whatever `db` its caller hands it.
 */
export async function afterCommit(db: Queryable, effect: Effect): Promise<void> {
  const unit = units.get(db as PoolClient);
  if (unit) unit.afterCommit(effect);
  else await effect();
}

/** Every effect runs even when one fails (the change is committed); the first failure is then thrown. */
async function runEffects(effects: Effect[]): Promise<void> {
  const failures: unknown[] = [];
  for (const effect of effects) {
    try {
      await effect();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
}
