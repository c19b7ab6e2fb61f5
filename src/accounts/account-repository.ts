// All SQL about accounts: the row, its mapper, and the queries.
import type { Queryable } from '../db/index.js';

export interface PostalAddress {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export type Locale = 'fr' | 'en';

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
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | undefined;
}

export interface AccountWithHash extends Account {
  passwordHash: string;
}

interface AccountRow {
  id: string;
  email: string;
  email_verified: boolean;
  password_hash: string;
  given_name: string | null;
  family_name: string | null;
  phone_number: string | null;
  phone_number_verified: boolean;
  address: PostalAddress | null;
  locale: Locale;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
}

const COLUMNS = `id, email, email_verified, password_hash, given_name, family_name, phone_number,
  phone_number_verified, address, locale, created_at, updated_at, last_login_at`;

function toAccount(row: AccountRow): AccountWithHash {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified,
    passwordHash: row.password_hash,
    givenName: row.given_name ?? undefined,
    familyName: row.family_name ?? undefined,
    phoneNumber: row.phone_number ?? undefined,
    phoneNumberVerified: row.phone_number_verified,
    address: row.address ?? undefined,
    locale: row.locale,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at ?? undefined,
  };
}

export interface NewAccount {
  email: string;
  emailVerified: boolean;
  passwordHash: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  locale: Locale;
}

/** Inserts; answers undefined when the email (case-insensitive) is taken. */
export async function insertAccount(db: Queryable, account: NewAccount): Promise<AccountWithHash | undefined> {
  const { rows } = await db.query<AccountRow>(
    `insert into accounts (email, email_verified, password_hash, given_name, family_name, locale)
     values ($1, $2, $3, $4, $5, $6)
     on conflict ((lower(email))) do nothing
     returning ${COLUMNS}`,
    [account.email, account.emailVerified, account.passwordHash, account.givenName ?? null, account.familyName ?? null, account.locale],
  );
  return rows[0] && toAccount(rows[0]);
}

export async function findAccountById(db: Queryable, id: string): Promise<AccountWithHash | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const { rows } = await db.query<AccountRow>(`select ${COLUMNS} from accounts where id = $1`, [id]);
  return rows[0] && toAccount(rows[0]);
}

export async function findAccountByEmail(db: Queryable, email: string): Promise<AccountWithHash | undefined> {
  const { rows } = await db.query<AccountRow>(`select ${COLUMNS} from accounts where lower(email) = lower($1)`, [email]);
  return rows[0] && toAccount(rows[0]);
}

export async function updateLastLogin(db: Queryable, id: string, newPasswordHash?: string): Promise<void> {
  await db.query(
    `update accounts set last_login_at = now(), password_hash = coalesce($2, password_hash) where id = $1`,
    [id, newPasswordHash ?? null],
  );
}
