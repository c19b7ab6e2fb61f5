// The citizen account (domain): registration, authentication, claims. No Koa, no oidc-provider here.
import type { Config } from '../config.js';
import type { Queryable } from '../db/index.js';
import { invalid, conflict } from '../errors.js';
import type { Logger } from '../log.js';
import { maskEmail } from '../log.js';
import {
  findAccountByEmail, findAccountById, insertAccount, updateLastLogin,
  type Account, type AccountWithHash, type Locale,
} from './account-repository.js';
import { claimsOf } from './claims.js';
import { checkPasswordPolicy, createPasswords } from './passwords.js';

export type { Account, Locale, PostalAddress } from './account-repository.js';
export { CLAIMS_BY_SCOPE, claimsOf, type StandardClaims } from './claims.js';
export { checkPasswordPolicy } from './passwords.js';

export interface Registration {
  email: string;
  password: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  locale?: Locale | undefined;
  emailVerified?: boolean;
}

export interface Accounts {
  register(registration: Registration): Promise<Account>;
  /** The account when email and password match; undefined otherwise, in the same time whatever the reason. */
  authenticate(email: string, password: string): Promise<Account | undefined>;
  findById(id: string): Promise<Account | undefined>;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC');
}

function withoutHash({ passwordHash: _ignored, ...account }: AccountWithHash): Account {
  return account;
}

export function createAccounts({ db, config, log }: { db: Queryable; config: Pick<Config, 'argon2' | 'passwordPolicy'>; log: Logger }): Accounts {
  const passwords = createPasswords(config.argon2, config.passwordPolicy);
  return {
    async register(registration) {
      const email = normalizeEmail(registration.email);
      if (!EMAIL_PATTERN.test(email) || email.length > 254) throw invalid('email_invalid', 'email is not a valid address', { field: 'email' });
      const problem = checkPasswordPolicy(registration.password, email, config.passwordPolicy);
      if (problem) throw invalid(problem, 'password does not meet the policy', { field: 'password' });
      const inserted = await insertAccount(db, {
        email,
        emailVerified: registration.emailVerified ?? false,
        passwordHash: await passwords.hash(registration.password),
        givenName: registration.givenName?.trim() || undefined,
        familyName: registration.familyName?.trim() || undefined,
        locale: registration.locale ?? 'fr',
      });
      if (!inserted) throw conflict('email_taken', 'an account already uses this email');
      log.info({ event: 'account.registered', accountId: inserted.id, email: maskEmail(email) }, 'account.registered');
      return withoutHash(inserted);
    },
    async authenticate(email, password) {
      const account = await findAccountByEmail(db, normalizeEmail(email));
      const isValid = await passwords.verify(account?.passwordHash, password);
      if (!account || !isValid) return undefined;
      const rehash = passwords.needsRehash(account.passwordHash) ? await passwords.hash(password) : undefined;
      await updateLastLogin(db, account.id, rehash);
      return withoutHash(account);
    },
    async findById(id) {
      const account = await findAccountById(db, id);
      return account && withoutHash(account);
    },
  };
}
