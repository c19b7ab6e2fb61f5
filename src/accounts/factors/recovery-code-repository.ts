// All SQL about recovery codes. A code is spent by one conditional update: used once, whatever the race.
import type { PoolClient, Queryable } from '../../db/index.js';

/** Voids the account's codes and keeps the digests of a new set, in the caller's transaction. */
export async function replaceRecoveryCodes(tx: PoolClient, accountId: string, digests: string[]): Promise<void> {
  await tx.query(`delete from recovery_codes where account_id = $1`, [accountId]);
  await tx.query(`insert into recovery_codes (account_id, code_digest) select $1, unnest($2::text[])`, [accountId, digests]);
}

/** Spends the code of this digest; the number of codes left, or undefined when it was unknown or spent. */
export async function spendRecoveryCode(db: Queryable, accountId: string, digest: string): Promise<number | undefined> {
  const { rows } = await db.query<{ remaining: number }>(
    `with spent as (
       update recovery_codes set used_at = now() where account_id = $1 and code_digest = $2 and used_at is null returning 1
     )
     select (select count(*)::int from recovery_codes where account_id = $1 and used_at is null) - 1 as remaining
     where exists (select 1 from spent)`,
    [accountId, digest],
  );
  return rows[0]?.remaining;
}

export async function countRecoveryCodes(db: Queryable, accountId: string): Promise<{ total: number; remaining: number }> {
  const { rows } = await db.query<{ total: number; remaining: number }>(
    `select count(*)::int as total, (count(*) filter (where used_at is null))::int as remaining from recovery_codes where account_id = $1`,
    [accountId],
  );
  return rows[0] ?? { total: 0, remaining: 0 };
}

export async function deleteRecoveryCodes(db: Queryable, accountId: string): Promise<void> {
  await db.query(`delete from recovery_codes where account_id = $1`, [accountId]);
}
