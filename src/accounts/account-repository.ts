// All SQL about accounts: the row, its mapper, and the queries.
import type { Queryable } from '../db/index.js';
import type { Locale } from '../locale.js';

export interface PostalAddress {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export interface Account {
  id: string;
  email: string;
  emailVerified: boolean;
  givenName: string | undefined;
  familyName: string | undefined;
  phoneNumber: string | undefined;
  phoneNumberVerified: boolean;
  address: PostalAddress | undefined;
  locale: Locale;
  communeSlug: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | undefined;
  lockedAt: Date | undefined;
}

export interface AccountWithHash extends Account {
  /** Undefined for an account without a password of ours (made from FranceConnect, or imported with legacy hashes only). */
  passwordHash: string | undefined;
}

interface AccountRow {
  id: string;
  email: string;
  email_verified: boolean;
  password_hash: string | null;
  given_name: string | null;
  family_name: string | null;
  phone_number: string | null;
  phone_number_verified: boolean;
  address: PostalAddress | null;
  locale: Locale;
  commune_slug: string | null;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
  locked_at: Date | null;
}

const COLUMNS = `id, email, email_verified, password_hash, given_name, family_name, phone_number,
  phone_number_verified, address, locale, commune_slug, created_at, updated_at, last_login_at, locked_at`;

function toAccount(row: AccountRow): AccountWithHash {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified,
    passwordHash: row.password_hash ?? undefined,
    givenName: row.given_name ?? undefined,
    familyName: row.family_name ?? undefined,
    phoneNumber: row.phone_number ?? undefined,
    phoneNumberVerified: row.phone_number_verified,
    address: row.address ?? undefined,
    locale: row.locale,
    communeSlug: row.commune_slug ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at ?? undefined,
    lockedAt: row.locked_at ?? undefined,
  };
}

const PUBLIC_COLUMNS = COLUMNS.replace('password_hash, ', '');

/**
 * A subquery answering, as JSON, the account whose id is the SQL expression `idSql` (without its hash): for a
 * statement of the provider's storage that reads a token and its account in one round trip (oidc/adapter.ts).
 */
export function accountJsonSql(idSql: string): string {
  return `(select row_to_json(a) from (select ${PUBLIC_COLUMNS} from accounts where id = ${idSql}) a)`;
}

type JsonRow = Omit<AccountRow, 'created_at' | 'updated_at' | 'last_login_at' | 'locked_at' | 'password_hash'> &
  Record<'created_at' | 'updated_at', string> &
  Record<'last_login_at' | 'locked_at', string | null>;

/** The account of accountJsonSql's answer: JSON carries its times as text. */
export function accountFromJson(json: unknown): Account {
  const row = json as JsonRow;
  const { passwordHash: _, ...account } = toAccount({
    ...row,
    password_hash: null,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
    last_login_at: row.last_login_at === null ? null : new Date(row.last_login_at),
    locked_at: row.locked_at === null ? null : new Date(row.locked_at),
  });
  return account;
}

export interface NewAccount {
  email: string;
  emailVerified: boolean;
  passwordHash: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  locale: Locale;
  registeredViaClient?: string | undefined;
}

/** Inserts; answers undefined when the email (case-insensitive) is taken. */
export async function insertAccount(db: Queryable, account: NewAccount): Promise<AccountWithHash | undefined> {
  const { rows } = await db.query<AccountRow>(
    `insert into accounts (email, email_verified, password_hash, given_name, family_name, locale, registered_via_client)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict ((lower(email))) do nothing
     returning ${COLUMNS}`,
    [
      account.email,
      account.emailVerified,
      account.passwordHash ?? null,
      account.givenName ?? null,
      account.familyName ?? null,
      account.locale,
      account.registeredViaClient ?? null,
    ],
  );
  return rows[0] && toAccount(rows[0]);
}

export async function findAccountById(db: Queryable, id: string): Promise<AccountWithHash | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const { rows } = await db.query<AccountRow>({
    name: 'account-by-id',
    text: `select ${COLUMNS} from accounts where id = $1`,
    values: [id],
  });
  return rows[0] && toAccount(rows[0]);
}

export async function findAccountByEmail(db: Queryable, email: string): Promise<AccountWithHash | undefined> {
  const { rows } = await db.query<AccountRow>({
    name: 'account-by-email',
    text: `select ${COLUMNS} from accounts where lower(email) = lower($1)`,
    values: [email],
  });
  return rows[0] && toAccount(rows[0]);
}

/** An account read to check its password: its hash, and whether a second factor follows (the sign-in's next question). */
export interface SigningInAccount extends AccountWithHash {
  hasSecondFactor: boolean;
}

/**
 * A statement answering, as JSON, the account of the address `$1` with its hash and whether it has a second
 * factor (null: no such account): alone (findSigningInAccount) or inside the statement that counts the
 * sign-in's throttles (http/rate-limit.ts), so that a login POST reads both in one round trip.
 */
export const SIGNING_IN_ACCOUNT_SQL = `select row_to_json(a) from (
    select ${COLUMNS},
      exists (select 1 from totp_factors f where f.account_id = accounts.id and f.confirmed_at is not null)
        or exists (select 1 from passkeys k where k.account_id = accounts.id) as has_second_factor
    from accounts where lower(email) = lower($1)) a`;

/** The account of SIGNING_IN_ACCOUNT_SQL's answer (JSON carries its times as text); undefined for null. */
export function signingInAccountFromJson(json: unknown): SigningInAccount | undefined {
  if (json === null || json === undefined) return undefined;
  const row = json as JsonRow & { password_hash: string | null; has_second_factor: boolean };
  return {
    ...toAccount({
      ...row,
      created_at: new Date(row.created_at),
      updated_at: new Date(row.updated_at),
      last_login_at: row.last_login_at === null ? null : new Date(row.last_login_at),
      locked_at: row.locked_at === null ? null : new Date(row.locked_at),
    }),
    hasSecondFactor: row.has_second_factor,
  };
}

export async function findSigningInAccount(db: Queryable, email: string): Promise<SigningInAccount | undefined> {
  const { rows } = await db.query<{ account: unknown }>({
    name: 'signing-in-account',
    text: `select (${SIGNING_IN_ACCOUNT_SQL}) as account`,
    values: [email],
  });
  return signingInAccountFromJson(rows[0]?.account);
}

/** A login: activity resets the retention clock. */
export async function updateLastLogin(db: Queryable, id: string, newPasswordHash?: string): Promise<void> {
  await db.query(
    `update accounts set last_login_at = now(), password_hash = coalesce($2, password_hash),
       retention_warnings = 0, retention_warned_at = null where id = $1`,
    [id, newPasswordHash ?? null],
  );
}

/**
 * A sign-in with the account's own hash, in one statement: the login recorded (retention clock reset, a rehash
 * stored), every legacy hash of the communes' sites retired (ours now opens it), and the security history's
 * line written with it, durable before the citizen is answered. A legacy password's sign-in, which must find
 * the hash it matched still there, takes the transaction of accounts/index.ts instead.
 */
export async function recordOwnPasswordLogin(
  db: Queryable,
  id: string,
  newPasswordHash: string | undefined,
  origin: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<void> {
  await db.query({
    name: 'record-own-password-login',
    text: `with retired as (
         update legacy_accounts set legacy_password_hash = null where account_id = $1 and legacy_password_hash is not null
       ), signed_in as (
         update accounts set last_login_at = now(), password_hash = coalesce($2, password_hash),
           retention_warnings = 0, retention_warned_at = null
         where id = $1 returning id
       )
       insert into security_events (account_id, kind, ip, user_agent) select id, 'login', $3, $4 from signed_in`,
    values: [id, newPasswordHash ?? null, origin.ip ?? null, origin.userAgent?.slice(0, 300) ?? null],
  });
}

/**
 * recordOwnPasswordLogin as three flat statements, each sent through `through` (a statement gathering the
 * request's writes, oidc/request-scope.ts, where a WITH cannot nest): the same rows, the event only for an
 * account still there.
 */
export async function recordOwnPasswordLoginThrough(
  through: Queryable,
  id: string,
  newPasswordHash: string | undefined,
  origin: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<void> {
  await through.query(`update legacy_accounts set legacy_password_hash = null where account_id = $1 and legacy_password_hash is not null`, [
    id,
  ]);
  await through.query(
    `update accounts set last_login_at = now(), password_hash = coalesce($2, password_hash), retention_warnings = 0,
       retention_warned_at = null where id = $1`,
    [id, newPasswordHash ?? null],
  );
  await through.query(
    `insert into security_events (account_id, kind, ip, user_agent) select id, 'login', $2, $3 from accounts where id = $1`,
    [id, origin.ip ?? null, origin.userAgent?.slice(0, 300) ?? null],
  );
}

export interface ProfileChange {
  givenName: string | undefined;
  familyName: string | undefined;
  phoneNumber: string | undefined;
  address: PostalAddress | undefined;
  locale: Locale;
  communeSlug: string | undefined;
}

export async function updateProfile(db: Queryable, id: string, profile: ProfileChange): Promise<AccountWithHash | undefined> {
  const { rows } = await db.query<AccountRow>(
    `update accounts set given_name = $2, family_name = $3,
       phone_number = $4, phone_number_verified = case when phone_number is distinct from $4 then false else phone_number_verified end,
       address = $5, locale = $6, commune_slug = $7, updated_at = now()
     where id = $1 returning ${COLUMNS}`,
    [
      id,
      profile.givenName ?? null,
      profile.familyName ?? null,
      profile.phoneNumber ?? null,
      profile.address ? JSON.stringify(profile.address) : null,
      profile.locale,
      profile.communeSlug ?? null,
    ],
  );
  return rows[0] && toAccount(rows[0]);
}

export async function markEmailVerified(db: Queryable, id: string, email: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update accounts set email_verified = true, updated_at = now() where id = $1 and lower(email) = lower($2)`,
    [id, email],
  );
  return rowCount === 1;
}

/** Changes the email (verified by the link that led here); undefined when another account has it. */
export async function updateEmail(db: Queryable, id: string, email: string): Promise<AccountWithHash | undefined> {
  const { rows } = await db.query<AccountRow>(
    `update accounts set email = $2, email_verified = true, updated_at = now()
     where id = $1 and not exists (select 1 from accounts other where lower(other.email) = lower($2) and other.id <> $1)
     returning ${COLUMNS}`,
    [id, email],
  );
  return rows[0] && toAccount(rows[0]);
}

export async function updatePasswordHash(db: Queryable, id: string, passwordHash: string): Promise<void> {
  await db.query(`update accounts set password_hash = $2, updated_at = now() where id = $1`, [id, passwordHash]);
}

/** Erases the account; its id stays in the tombstones so that the sub is never given again. */
export async function deleteAccount(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `with gone as (delete from accounts where id = $1 returning id)
     insert into account_tombstones (id) select id from gone`,
    [id],
  );
  return rowCount === 1;
}

export interface InactiveAccount {
  id: string;
  email: string;
  locale: Locale;
  retentionWarnings: number;
  retentionWarnedAt: Date | undefined;
  lastActivityAt: Date;
}

/**
 * Accounts whose last activity is older than `inactiveSince`, taken by this worker (skip locked: several
 * instances share the job). Call inside a transaction.
 */
export async function lockInactiveAccounts(db: Queryable, inactiveSince: Date, limit: number): Promise<InactiveAccount[]> {
  const { rows } = await db.query<{
    id: string;
    email: string;
    locale: Locale;
    retention_warnings: number;
    retention_warned_at: Date | null;
    last_activity_at: Date;
  }>(
    `select id, email, locale, retention_warnings, retention_warned_at, coalesce(last_login_at, created_at) as last_activity_at
     from accounts where coalesce(last_login_at, created_at) < $1
     order by coalesce(last_login_at, created_at) limit $2 for update skip locked`,
    [inactiveSince, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    locale: row.locale,
    retentionWarnings: row.retention_warnings,
    retentionWarnedAt: row.retention_warned_at ?? undefined,
    lastActivityAt: row.last_activity_at,
  }));
}

/** `at` is the job's clock, not the database's: the weeks between the mails and the deletion are counted on it. */
export async function recordRetentionWarning(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query(`update accounts set retention_warnings = retention_warnings + 1, retention_warned_at = $2 where id = $1`, [id, at]);
}

export async function setAccountLocked(db: Queryable, id: string, isLocked: boolean): Promise<AccountWithHash | undefined> {
  const { rows } = await db.query<AccountRow>(
    `update accounts set locked_at = case when $2 then coalesce(locked_at, now()) else null end, updated_at = now()
     where id = $1 returning ${COLUMNS}`,
    [id, isLocked],
  );
  return rows[0] && toAccount(rows[0]);
}
