// The questions asked across the factor tables: does this account have anything beyond its password, and
// removing all of it at once.
import type { Queryable } from '../../db/index.js';

export async function hasSecondFactor(db: Queryable, accountId: string): Promise<boolean> {
  const { rows } = await db.query<{ has: boolean }>(
    `select exists (select 1 from totp_factors where account_id = $1 and confirmed_at is not null)
         or exists (select 1 from passkeys where account_id = $1) as has`,
    [accountId],
  );
  return rows[0]?.has === true;
}

/** Every factor of the account goes: its app, its recovery codes, its passkeys (in the caller's transaction). */
export async function deleteSecondFactors(db: Queryable, accountId: string): Promise<void> {
  await db.query(`delete from totp_factors where account_id = $1`, [accountId]);
  await db.query(`delete from recovery_codes where account_id = $1`, [accountId]);
  await db.query(`delete from passkeys where account_id = $1`, [accountId]);
}
