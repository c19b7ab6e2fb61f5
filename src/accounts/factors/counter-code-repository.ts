// All SQL about counter codes. A code is issued in place of the account's earlier unused ones, and spent by
// one conditional update: used once, before it expires, whatever the race.
import { oneRow, type Queryable } from '../../db/index.js';

export interface NewCounterCode {
  accountId: string;
  digest: string;
  communeSlug: string;
  issuedBy: string;
  issuedByLabel: string | undefined;
  expiresAt: Date;
}

/** Keeps the digest of a new code and voids the account's earlier unused ones, in the caller's transaction. */
export async function insertCounterCode(db: Queryable, code: NewCounterCode): Promise<{ expiresAt: Date }> {
  // Only one code is live at a time: a citizen sent to another counter does not leave a second one waiting.
  await db.query(`delete from counter_codes where account_id = $1 and used_at is null`, [code.accountId]);
  const { rows } = await db.query<{ expires_at: Date }>(
    `insert into counter_codes (account_id, code_digest, commune_slug, issued_by, issued_by_label, expires_at)
     values ($1, $2, $3, $4, $5, $6) returning expires_at`,
    [code.accountId, code.digest, code.communeSlug, code.issuedBy, code.issuedByLabel?.slice(0, 200) ?? null, code.expiresAt],
  );
  return { expiresAt: oneRow(rows, 'insert a counter code').expires_at };
}

/**
 * Spends the unused, unexpired code of this digest: the commune that issued it (its slug and name, which the
 * citizen's history shows), or undefined when the code is unknown, spent or expired.
 */
export async function spendCounterCode(
  db: Queryable,
  accountId: string,
  digest: string,
): Promise<{ communeSlug: string; communeName: string } | undefined> {
  // The commune's name is read here, in the spending transaction: the embedded database has one connection.
  const { rows } = await db.query<{ commune_slug: string; commune_name: string }>(
    `with spent as (
       update counter_codes set used_at = now()
       where account_id = $1 and code_digest = $2 and used_at is null and expires_at > now()
       returning commune_slug
     )
     select spent.commune_slug, c.name as commune_name from spent join communes c on c.slug = spent.commune_slug`,
    [accountId, digest],
  );
  const row = rows[0];
  return row && { communeSlug: row.commune_slug, communeName: row.commune_name };
}

/** Deletes codes expired before `before` (used or not), at most `limit`; answers how many went. */
export async function deleteExpiredCounterCodes(db: Queryable, before: Date, limit = 1000): Promise<number> {
  const { rowCount } = await db.query(
    `delete from counter_codes where id in (select id from counter_codes where expires_at < $1 limit $2 for update skip locked)`,
    [before, limit],
  );
  return rowCount ?? 0;
}
