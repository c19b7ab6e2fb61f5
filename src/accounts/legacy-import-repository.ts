// All SQL of an import, a batch of lines a statement (unnest of arrays): a hundred thousand lines are a few
// hundred round trips, not a few hundred thousand. Every statement runs in the import's one transaction, whose
// start (now()) marks what this run wrote: a legacy row imported at now() came from an earlier line of the file.
import type { Queryable } from '../db/index.js';
import type { PostalAddress } from './account-repository.js';

/** An account an import may merge lines into, locked until the import commits. */
export interface ImportTarget {
  id: string;
  /** lower(email): how lines find it. */
  emailKey: string;
  email: string;
  emailVerified: boolean;
  givenName: string | undefined;
  familyName: string | undefined;
  phoneNumber: string | undefined;
  phoneNumberVerified: boolean;
  address: PostalAddress | undefined;
  locale: string;
  updatedAt: Date;
  /** Made by imports and never signed in here: it holds only legacy hashes, any of which opens it. */
  isImportedOnly: boolean;
  /** An earlier line of this run already reached it (so it was counted and told once). */
  isReachedThisRun: boolean;
}

interface TargetRow {
  id: string;
  email_key: string;
  email: string;
  email_verified: boolean;
  given_name: string | null;
  family_name: string | null;
  phone_number: string | null;
  phone_number_verified: boolean;
  address: PostalAddress | null;
  locale: string;
  updated_at: Date;
  is_imported_only: boolean;
  is_reached_this_run: boolean;
}

/** The legacy ids of `legacyIds` already imported for the commune; true for those this run imported. */
export async function findImportedLegacyIds(db: Queryable, communeSlug: string, legacyIds: string[]): Promise<Map<string, boolean>> {
  const { rows } = await db.query<{ legacy_id: string; is_this_run: boolean }>(
    `select legacy_id, imported_at = now() as is_this_run from legacy_accounts where commune_slug = $1 and legacy_id = any($2::text[])`,
    [communeSlug, legacyIds],
  );
  return new Map(rows.map((row) => [row.legacy_id, row.is_this_run]));
}

/** The accounts of these lower-cased addresses, locked (for update) so that no change here races the merge. */
export async function lockImportTargets(db: Queryable, communeSlug: string, emailKeys: string[]): Promise<ImportTarget[]> {
  const { rows } = await db.query<TargetRow>(
    `select a.id, lower(a.email) as email_key, a.email, a.email_verified, a.given_name, a.family_name, a.phone_number,
       a.phone_number_verified, a.address, a.locale, a.updated_at,
       (a.password_hash is null and a.last_login_at is null and exists (select 1 from legacy_accounts l where l.account_id = a.id)) as is_imported_only,
       exists (select 1 from legacy_accounts l where l.account_id = a.id and l.commune_slug = $1 and l.imported_at = now()) as is_reached_this_run
     from accounts a where lower(a.email) = any($2::text[])
     order by a.id for update of a`,
    [communeSlug, emailKeys],
  );
  return rows.map((row) => ({
    id: row.id,
    emailKey: row.email_key,
    email: row.email,
    emailVerified: row.email_verified,
    givenName: row.given_name ?? undefined,
    familyName: row.family_name ?? undefined,
    phoneNumber: row.phone_number ?? undefined,
    phoneNumberVerified: row.phone_number_verified,
    address: row.address ?? undefined,
    locale: row.locale,
    updatedAt: row.updated_at,
    isImportedOnly: row.is_imported_only,
    isReachedThisRun: row.is_reached_this_run,
  }));
}

/** An account's profile as an import writes it (a new one, or one merged into). */
export interface ImportedProfile {
  email: string;
  emailVerified: boolean;
  givenName: string | undefined;
  familyName: string | undefined;
  phoneNumber: string | undefined;
  address: PostalAddress | undefined;
  locale: string;
  updatedAt: Date;
}

const columnsOf = (profiles: ImportedProfile[]) => [
  profiles.map((p) => p.emailVerified),
  profiles.map((p) => p.givenName ?? null),
  profiles.map((p) => p.familyName ?? null),
  profiles.map((p) => p.phoneNumber ?? null),
  profiles.map((p) => (p.address ? JSON.stringify(p.address) : null)),
  profiles.map((p) => p.locale),
  profiles.map((p) => p.updatedAt),
];

/** Creates the accounts (no password of ours: their legacy hashes open them); answers their ids by lower(email). */
export async function insertImportedAccounts(db: Queryable, profiles: ImportedProfile[]): Promise<Map<string, string>> {
  if (profiles.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; email_key: string }>(
    `insert into accounts (email, email_verified, given_name, family_name, phone_number, address, locale, updated_at)
     select * from unnest($1::text[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::timestamptz[])
     on conflict ((lower(email))) do nothing
     returning id, lower(email) as email_key`,
    [profiles.map((p) => p.email), ...columnsOf(profiles)],
  );
  return new Map(rows.map((row) => [row.email_key, row.id]));
}

/** Writes merged profiles; a phone number replaced is no longer verified (it never replaces a verified one). */
export async function updateImportedProfiles(db: Queryable, profiles: (ImportedProfile & { id: string })[]): Promise<void> {
  if (profiles.length === 0) return;
  await db.query(
    `update accounts a set email_verified = v.email_verified, given_name = v.given_name, family_name = v.family_name,
       phone_number = v.phone_number,
       phone_number_verified = a.phone_number_verified and a.phone_number is not distinct from v.phone_number,
       address = v.address, updated_at = greatest(a.updated_at, v.updated_at)
     from unnest($1::uuid[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::timestamptz[])
       as v(id, email_verified, given_name, family_name, phone_number, address, locale, updated_at)
     where a.id = v.id`,
    [profiles.map((p) => p.id), ...columnsOf(profiles)],
  );
}

export interface NewLegacyAccount {
  legacyId: string;
  accountId: string;
  /** Undefined where the account already opens with a credential of ours: an old hash must not open it too. */
  legacyPasswordHash: string | undefined;
}

export async function insertLegacyAccounts(db: Queryable, communeSlug: string, legacy: NewLegacyAccount[]): Promise<void> {
  if (legacy.length === 0) return;
  await db.query(
    `insert into legacy_accounts (commune_slug, legacy_id, account_id, legacy_password_hash, imported_at)
     select $1, v.legacy_id, v.account_id, v.legacy_password_hash, now()
     from unnest($2::text[], $3::uuid[], $4::text[]) as v(legacy_id, account_id, legacy_password_hash)
     on conflict (commune_slug, legacy_id) do nothing`,
    [communeSlug, legacy.map((l) => l.legacyId), legacy.map((l) => l.accountId), legacy.map((l) => l.legacyPasswordHash ?? null)],
  );
}

/** The commune site's own id of the account (the `legacy_id` claim released to that commune's clients). */
export async function findLegacyIdOf(db: Queryable, communeSlug: string, accountId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ legacy_id: string }>(
    `select legacy_id from legacy_accounts where account_id = $1 and commune_slug = $2 order by imported_at, legacy_id limit 1`,
    [accountId, communeSlug],
  );
  return rows[0]?.legacy_id;
}
