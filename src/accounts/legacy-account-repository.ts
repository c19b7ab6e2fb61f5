// All SQL about where accounts came from on the communes' own sites (imports): the site's user id, and its
// password hash until the account's first sign-in here replaces every legacy hash with ours.
import type { Queryable } from '../db/index.js';

export interface LegacyAccount {
  communeSlug: string;
  legacyId: string;
  accountId: string;
  /** The commune site's hash; undefined once the account signed in here. */
  legacyPasswordHash: string | undefined;
  importedAt: Date;
}

interface Row {
  commune_slug: string;
  legacy_id: string;
  account_id: string;
  legacy_password_hash: string | null;
  imported_at: Date;
}

const COLUMNS = 'commune_slug, legacy_id, account_id, legacy_password_hash, imported_at';

const toLegacy = (row: Row): LegacyAccount => ({
  communeSlug: row.commune_slug,
  legacyId: row.legacy_id,
  accountId: row.account_id,
  legacyPasswordHash: row.legacy_password_hash ?? undefined,
  importedAt: row.imported_at,
});

export async function listLegacyAccounts(db: Queryable, accountId: string): Promise<LegacyAccount[]> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from legacy_accounts where account_id = $1 order by imported_at, commune_slug`, [
    accountId,
  ]);
  return rows.map(toLegacy);
}

export async function findLegacyAccount(db: Queryable, communeSlug: string, legacyId: string): Promise<LegacyAccount | undefined> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from legacy_accounts where commune_slug = $1 and legacy_id = $2`, [
    communeSlug,
    legacyId,
  ]);
  return rows[0] && toLegacy(rows[0]);
}

/** After the first sign-in here: no legacy hash of the account opens it any more. */
export async function clearLegacyPasswordHashes(db: Queryable, accountId: string): Promise<void> {
  await db.query('update legacy_accounts set legacy_password_hash = null where account_id = $1 and legacy_password_hash is not null', [
    accountId,
  ]);
}

/** The commune sites' hashes of an account still waiting for its first sign-in here, oldest import first. */
export async function listLegacyPasswordHashes(db: Queryable, accountId: string): Promise<string[]> {
  const { rows } = await db.query<{ legacy_password_hash: string }>(
    `select legacy_password_hash from legacy_accounts where account_id = $1 and legacy_password_hash is not null
     order by imported_at, commune_slug, legacy_id`,
    [accountId],
  );
  return rows.map((row) => row.legacy_password_hash);
}

/**
 * Clears every legacy hash of the account and answers those it cleared. Two sign-ins at once with two
 * legacy passwords: the second waits for the first one's row locks, then finds nothing left to clear, so
 * only one of the two passwords becomes the account's.
 */
export async function takeLegacyPasswordHashes(db: Queryable, accountId: string): Promise<string[]> {
  const { rows } = await db.query<{ legacy_password_hash: string }>(
    `with taken as (
       select commune_slug, legacy_id, legacy_password_hash from legacy_accounts
       where account_id = $1 and legacy_password_hash is not null
       for update
     ), cleared as (
       update legacy_accounts as legacy set legacy_password_hash = null from taken
       where legacy.commune_slug = taken.commune_slug and legacy.legacy_id = taken.legacy_id
     )
     select legacy_password_hash from taken`,
    [accountId],
  );
  return rows.map((row) => row.legacy_password_hash);
}
