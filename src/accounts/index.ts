// The citizen account (domain): registration, authentication, claims, self-service, history, retention.
// No Koa, no oidc-provider here: mail and token revocation reach it as ports.
import type { Config } from '../config.js';
import type { Pool, Queryable } from '../db/index.js';
import { conflict, invalid } from '../errors.js';
import type { Logger } from '../log.js';
import { maskEmail } from '../log.js';
import {
  findAccountByEmail, findAccountById, insertAccount, setAccountLocked, updateLastLogin,
  type Account, type AccountWithHash, type Locale,
} from './account-repository.js';
import { loadCommonPasswords } from './common-passwords.js';
import { checkPasswordPolicy, createPasswords } from './passwords.js';
import { createRetention } from './retention.js';
import { listSecurityEvents, type SecurityEvent } from './security-event-repository.js';
import { createSelfService, type AccountPorts, type Origin, type SelfService } from './self-service.js';
import { insertSharingEntry, listSharingEntries, type SharingEntry } from './sharing-journal-repository.js';

export type { Account, Locale, PostalAddress, ProfileChange } from './account-repository.js';
export { CLAIMS_BY_SCOPE, claimsOf, type StandardClaims } from './claims.js';
export { checkPasswordPolicy } from './passwords.js';
export type { AccountNotice, AccountPorts, NoticeKind, Origin, SelfService } from './self-service.js';
export type { SecurityEvent, SecurityEventKind } from './security-event-repository.js';
export type { SharingEntry, SharingChannel } from './sharing-journal-repository.js';
export type { Retention } from './retention.js';

export interface Registration {
  email: string;
  password: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  locale?: Locale | undefined;
  emailVerified?: boolean;
  /** The site the citizen registered from (new accounts per commune). */
  registeredViaClient?: string | undefined;
}

export interface Accounts {
  register(registration: Registration, origin?: Origin): Promise<Account>;
  /** The account when email and password match; undefined otherwise, in the same time whatever the reason. */
  authenticate(email: string, password: string, origin?: Origin): Promise<Account | undefined>;
  findById(id: string): Promise<Account | undefined>;
  findByEmail(email: string): Promise<Account | undefined>;
  /** Locks (no sign-in, sessions and tokens revoked) or unlocks an account; undefined when there is none. */
  setLocked(id: string, isLocked: boolean, db?: Queryable): Promise<Account | undefined>;
  securityHistory(accountId: string, limit?: number): Promise<SecurityEvent[]>;
  sharingJournal(accountId: string, limit?: number): Promise<SharingEntry[]>;
  recordSharing(accountId: string, entry: Omit<SharingEntry, 'createdAt'>): Promise<void>;
  selfService: SelfService;
  retention: ReturnType<typeof createRetention>;
}

export interface AccountsDeps {
  db: Pool;
  config: Pick<Config, 'argon2' | 'passwordPolicy' | 'projectRoot' | 'issuer' | 'selfService' | 'retention'>;
  log: Logger;
  /** Mail and revocation; without them (the CLI) no mail is sent and nothing is revoked. */
  ports?: () => AccountPorts;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NO_PORTS: AccountPorts = { notify: async () => undefined, revokeEverything: async () => undefined };

export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC');
}

function withoutHash({ passwordHash: _ignored, ...account }: AccountWithHash): Account {
  return account;
}

export function createAccounts({ db, config, log, ports = () => NO_PORTS }: AccountsDeps): Accounts {
  const passwords = createPasswords(config.argon2, config.passwordPolicy);
  const commonPasswords = loadCommonPasswords(config.projectRoot);
  const selfService = createSelfService({ pool: db, config, passwords, commonPasswords, ports, log });
  return {
    async register(registration, origin = {}) {
      const email = normalizeEmail(registration.email);
      if (!EMAIL_PATTERN.test(email) || email.length > 254) throw invalid('email_invalid', 'email is not a valid address', { field: 'email' });
      const problem = checkPasswordPolicy(registration.password, email, config.passwordPolicy, commonPasswords);
      if (problem) throw invalid(problem, 'password does not meet the policy', { field: 'password' });
      const inserted = await insertAccount(db, {
        email,
        emailVerified: registration.emailVerified ?? false,
        passwordHash: await passwords.hash(registration.password),
        givenName: registration.givenName?.trim() || undefined,
        familyName: registration.familyName?.trim() || undefined,
        locale: registration.locale ?? 'fr',
        registeredViaClient: registration.registeredViaClient,
      });
      if (!inserted) throw conflict('email_taken', 'an account already uses this email');
      log.info({ event: 'account.registered', accountId: inserted.id, email: maskEmail(email) }, 'account.registered');
      const account = withoutHash(inserted);
      await selfService.recordEvent(account.id, 'account_created', origin);
      await selfService.sendVerification(account);
      return account;
    },
    async authenticate(email, password, origin = {}) {
      const account = await findAccountByEmail(db, normalizeEmail(email));
      const isValid = await passwords.verify(account?.passwordHash, password);
      if (!account) return undefined;
      // A locked account is refused like a wrong password: same answer, same time.
      if (!isValid || account.lockedAt) {
        await selfService.recordEvent(account.id, 'login_failed', origin);
        return undefined;
      }
      const rehash = passwords.needsRehash(account.passwordHash) ? await passwords.hash(password) : undefined;
      await updateLastLogin(db, account.id, rehash);
      await selfService.recordEvent(account.id, 'login', origin);
      return withoutHash(account);
    },
    async findById(id) {
      const account = await findAccountById(db, id);
      return account && withoutHash(account);
    },
    async findByEmail(email) {
      const account = await findAccountByEmail(db, normalizeEmail(email));
      return account && withoutHash(account);
    },
    async setLocked(id, isLocked, through = db) {
      const account = await setAccountLocked(through, id, isLocked);
      if (account && isLocked) await ports().revokeEverything(id);
      return account && withoutHash(account);
    },
    securityHistory: (accountId, limit = 100) => listSecurityEvents(db, accountId, limit),
    sharingJournal: (accountId, limit = 200) => listSharingEntries(db, accountId, limit),
    recordSharing: (accountId, entry) => insertSharingEntry(db, accountId, entry),
    selfService,
    retention: createRetention({ pool: db, config, selfService, ports, log }),
  };
}
