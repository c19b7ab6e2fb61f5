// All SQL about the codes mailed before a FranceConnect link: one per interaction (a new request replaces it),
// spent by `delete … returning` when the digest, the upstream subject and the account all match and the code is
// alive, counted when wrong, swept a batch at a time once expired.
import type { Queryable } from '../db/index.js';

export interface LinkCodeBinding {
  interactionUid: string;
  subject: string;
  accountId: string;
}

/** The interaction's code, replacing any earlier one (its failures forgotten with it: a new code, a new count). */
export async function putLinkCode(db: Queryable, binding: LinkCodeBinding, codeDigest: string, ttlSeconds: number): Promise<void> {
  await db.query(
    `insert into franceconnect_link_codes (interaction_uid, subject, account_id, code_digest, expires_at)
     values ($1, $2, $3, $4, now() + make_interval(secs => $5))
     on conflict (interaction_uid) do update set subject = excluded.subject, account_id = excluded.account_id,
       code_digest = excluded.code_digest, failed_attempts = 0, expires_at = excluded.expires_at, created_at = now()`,
    [binding.interactionUid, binding.subject, binding.accountId, codeDigest, ttlSeconds],
  );
}

/** Whether the code was the live one of this binding, spent: a second use, or any use once dead, finds nothing. */
export async function spendLinkCode(db: Queryable, binding: LinkCodeBinding, codeDigest: string, maxFailures: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `delete from franceconnect_link_codes
     where interaction_uid = $1 and subject = $2 and account_id = $3 and code_digest = $4
       and expires_at > now() and failed_attempts < $5`,
    [binding.interactionUid, binding.subject, binding.accountId, codeDigest, maxFailures],
  );
  return (rowCount ?? 0) > 0;
}

/** One more wrong answer for the interaction's code (whatever binding the answer claimed). */
export async function countLinkCodeFailure(db: Queryable, interactionUid: string): Promise<void> {
  await db.query(`update franceconnect_link_codes set failed_attempts = failed_attempts + 1 where interaction_uid = $1`, [interactionUid]);
}

/** Expired codes, at most `batchSize` (franceconnect_link_codes_expires_at_idx). */
export async function deleteExpiredLinkCodes(db: Queryable, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from franceconnect_link_codes where interaction_uid in
       (select interaction_uid from franceconnect_link_codes where expires_at <= now() limit $1)`,
    [batchSize],
  );
  return rowCount ?? 0;
}
