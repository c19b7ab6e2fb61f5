// The one question asked across the factor tables: does this account have anything beyond its password?
import type { Queryable } from '../../db/index.js';

export async function hasSecondFactor(db: Queryable, accountId: string): Promise<boolean> {
  const { rows } = await db.query<{ has: boolean }>(
    `select exists (select 1 from totp_factors where account_id = $1 and confirmed_at is not null)
         or exists (select 1 from passkeys where account_id = $1) as has`,
    [accountId],
  );
  return rows[0]?.has === true;
}
