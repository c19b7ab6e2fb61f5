// All SQL about authenticator apps. A code's time step is claimed by one conditional update, so that two
// requests carrying the same code (a replay, or twenty in parallel) cannot both be accepted.
import type { Queryable } from '../../db/index.js';

export interface TotpRow {
  secretSealed: string;
  createdAt: Date;
  confirmedAt: Date | undefined;
  lastUsedStep: number | undefined;
  lastUsedAt: Date | undefined;
}

interface Row {
  secret_sealed: string;
  created_at: Date;
  confirmed_at: Date | null;
  last_used_step: string | null;
  last_used_at: Date | null;
}

const toTotp = (row: Row): TotpRow => ({
  secretSealed: row.secret_sealed,
  createdAt: row.created_at,
  confirmedAt: row.confirmed_at ?? undefined,
  lastUsedStep: row.last_used_step === null ? undefined : Number(row.last_used_step),
  lastUsedAt: row.last_used_at ?? undefined,
});

export async function findTotp(db: Queryable, accountId: string): Promise<TotpRow | undefined> {
  const { rows } = await db.query<Row>(
    `select secret_sealed, created_at, confirmed_at, last_used_step, last_used_at from totp_factors where account_id = $1`,
    [accountId],
  );
  return rows[0] && toTotp(rows[0]);
}

/** A new secret waiting for its first code; a confirmed app is left alone (false). */
export async function upsertPendingTotp(db: Queryable, accountId: string, secretSealed: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into totp_factors (account_id, secret_sealed) values ($1, $2)
     on conflict (account_id) do update set secret_sealed = excluded.secret_sealed, created_at = now()
       where totp_factors.confirmed_at is null`,
    [accountId, secretSealed],
  );
  return rowCount === 1;
}

/**
 * Claims `step` for the account's app: true only if no code of this step or a later one was accepted
 * before. `confirm` also activates a pending app (its first code); otherwise the app must be active.
 */
export async function claimTotpStep(db: Queryable, accountId: string, step: number, confirm: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    `update totp_factors set last_used_step = $2, last_used_at = now(),
       confirmed_at = case when $3 then coalesce(confirmed_at, now()) else confirmed_at end
     where account_id = $1 and (last_used_step is null or last_used_step < $2)
       and (case when $3 then confirmed_at is null else confirmed_at is not null end)`,
    [accountId, step, confirm],
  );
  return rowCount === 1;
}

export async function deleteTotp(db: Queryable, accountId: string): Promise<boolean> {
  const { rowCount } = await db.query(`delete from totp_factors where account_id = $1`, [accountId]);
  return (rowCount ?? 0) > 0;
}
