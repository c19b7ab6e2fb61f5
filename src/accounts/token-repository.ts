// All SQL about single-use links (email verification, password reset, email change). Only hashes are kept.
import type { Queryable } from '../db/index.js';

export type TokenPurpose = 'verify-email' | 'reset-password' | 'change-email';

export interface UsedToken {
  accountId: string;
  newEmail: string | undefined;
}

export async function insertAccountToken(
  db: Queryable,
  token: { hash: string; accountId: string; purpose: TokenPurpose; expiresAt: Date; newEmail?: string },
): Promise<void> {
  await db.query(`insert into account_tokens (token_hash, account_id, purpose, new_email, expires_at) values ($1, $2, $3, $4, $5)`, [
    token.hash,
    token.accountId,
    token.purpose,
    token.newEmail ?? null,
    token.expiresAt,
  ]);
}

/** Uses the token once: answers its account when it exists, has this purpose, is unexpired and unused. */
export async function useAccountToken(db: Queryable, hash: string, purpose: TokenPurpose): Promise<UsedToken | undefined> {
  const { rows } = await db.query<{ account_id: string; new_email: string | null }>(
    `update account_tokens set used_at = now()
     where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()
     returning account_id, new_email`,
    [hash, purpose],
  );
  const row = rows[0];
  return row && { accountId: row.account_id, newEmail: row.new_email ?? undefined };
}

/** The token's account when it can still be used, without using it (the page before the confirming button). */
export async function findUsableAccountToken(db: Queryable, hash: string, purpose: TokenPurpose): Promise<UsedToken | undefined> {
  const { rows } = await db.query<{ account_id: string; new_email: string | null }>(
    `select account_id, new_email from account_tokens
     where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()`,
    [hash, purpose],
  );
  const row = rows[0];
  return row && { accountId: row.account_id, newEmail: row.new_email ?? undefined };
}

/** A new link of one purpose makes the older ones useless. */
export async function expireAccountTokens(db: Queryable, accountId: string, purpose: TokenPurpose): Promise<void> {
  await db.query(`update account_tokens set used_at = now() where account_id = $1 and purpose = $2 and used_at is null`, [
    accountId,
    purpose,
  ]);
}

export async function deleteExpiredAccountTokens(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(`delete from account_tokens where expires_at < $1`, [before]);
  return rowCount ?? 0;
}
