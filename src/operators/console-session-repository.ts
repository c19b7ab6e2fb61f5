// All SQL about the console's sessions. A session is found by the digest of its cookie's value, and each
// request that finds it pushes its idle end forward, never past its fixed end: both in one statement.
import type { Queryable } from '../db/index.js';

export interface ConsoleSessionTimes {
  idleTimeoutSeconds: number;
  maxLifetimeSeconds: number;
}

export async function insertConsoleSession(db: Queryable, digest: Buffer, accountId: string, times: ConsoleSessionTimes): Promise<void> {
  await db.query(
    `insert into console_sessions (id_digest, account_id, idle_expires_at, expires_at)
     values ($1, $2, now() + make_interval(secs => least($3::int, $4::int)), now() + make_interval(secs => $4::int))`,
    [digest, accountId, times.idleTimeoutSeconds, times.maxLifetimeSeconds],
  );
}

/** The account of a live session, whose idle end moves on; undefined once it has ended either way. */
export async function touchConsoleSession(db: Queryable, digest: Buffer, idleTimeoutSeconds: number): Promise<string | undefined> {
  const { rows } = await db.query<{ account_id: string }>(
    `update console_sessions
        set idle_expires_at = least(now() + make_interval(secs => $2::int), expires_at)
      where id_digest = $1 and idle_expires_at > now() and expires_at > now()
      returning account_id`,
    [digest, idleTimeoutSeconds],
  );
  return rows[0]?.account_id;
}

export async function deleteConsoleSession(db: Queryable, digest: Buffer): Promise<void> {
  await db.query('delete from console_sessions where id_digest = $1', [digest]);
}

/** Ended sessions, a batch at a time (several instances sweep without waiting on each other). */
export async function deleteEndedConsoleSessions(db: Queryable, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from console_sessions where id_digest in (
       select id_digest from console_sessions where idle_expires_at <= now() or expires_at <= now()
       limit $1 for update skip locked)`,
    [batchSize],
  );
  return rowCount ?? 0;
}
