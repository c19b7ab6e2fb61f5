// The citizen account (domain): registration, authentication, claims, self-service, history, retention.
// No Koa, no oidc-provider here: mail reaches it as a notifier given at construction; what a change means
// for the citizen's sessions and tokens is done above it (services/).
import type { Config } from '../config.js';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../db/index.js';
import type { Logger } from '../log.js';
import {
  findAccountByEmail,
  findAccountById,
  findSigningInAccount,
  setAccountLocked,
  SIGNING_IN_ACCOUNT_SQL,
  signingInAccountFromJson,
  type SigningInAccount,
  recordOwnPasswordLogin,
  recordOwnPasswordLoginThrough,
  updateLastLogin,
  type Account,
  type AccountWithHash,
} from './account-repository.js';
import { loadCommonPasswords } from './common-passwords.js';
import { parseEmail } from './email-address.js';
import { findLegacyIdOf } from './legacy-import-repository.js';
import { matchingLegacyHash, retireLegacyHashes } from './legacy-sign-in.js';
import { createFranceConnectLinks, type FranceConnectLinks } from './franceconnect-link.js';
import { createPasswords } from './passwords.js';
import { createRegistration, type Registration, type SignUpOptions } from './registration.js';
import { createRetention, type Retention } from './retention.js';
import { listSecurityEvents, type SecurityEvent } from './security-event-repository.js';
import { createSelfService, type AccountNotifier, type Origin, type SelfService } from './self-service.js';
import { insertSharingEntry, listSharingEntries, type SharingEntry } from './sharing-journal-repository.js';

export type { Account, PostalAddress, ProfileChange } from './account-repository.js';
export { CLAIMS_BY_SCOPE, claimsOf, type StandardClaims } from './claims.js';
export { checkPasswordPolicy } from './passwords.js';
export * from './certified-identity.js';
export type { FranceConnectLinks, UnlinkOutcome } from './franceconnect-link.js';
export { legacyHashFormat, verifyLegacyHash, type LegacyHashFormat } from './legacy-hashes.js';
export type { AccountNotice, AccountNotifier, NoticeKind, Origin, SelfService } from './self-service.js';
export type { SecurityEvent, SecurityEventKind } from './security-event-repository.js';
export type { SharingEntry, SharingChannel } from './sharing-journal-repository.js';
export type { Retention, RetentionWarning } from './retention.js';
export type { InactiveAccount } from './account-repository.js';
export type { Registration, SignUpOptions } from './registration.js';
export { normaliseEmail, parseEmail } from './email-address.js';
export * from './factors/index.js';
// For federation/ (FranceConnect): an account found, made or signed in to within the transaction of its link.
export {
  accountFromJson,
  accountJsonSql,
  findAccountByEmail,
  findAccountById,
  insertAccount,
  updateLastLogin,
} from './account-repository.js';
export * from './federated-identity-repository.js';
export { importBatch, type BatchOutcome, type ReachedCitizen } from './legacy-import.js';
export {
  isRejection,
  readImportRecord,
  type HashFormatOf,
  type ImportRecord,
  type Rejection,
  type RejectionReason,
} from './legacy-import-record.js';
export type { Conflict, MergedField } from './legacy-merge.js';

export interface Accounts {
  /** For operators (glc, imports): refused with `email_taken` when the address has an account. */
  register(registration: Registration, origin?: Origin, db?: Pool | PoolClient): Promise<Account>;
  /** A citizen's own sign-up: the same outcome whether or not the address is taken (see registration.ts). */
  signUp(registration: Registration, options: SignUpOptions, origin?: Origin): Promise<void>;
  /**
   * The account when email and password match; undefined otherwise, in the same time whatever the reason.
   * `found`: the account of `email` already read (signingInLookup), in the statement of the attempt's throttles;
   * `recordThrough`: where the sign-in's record goes (a statement gathering the request's writes).
   */
  authenticate(
    email: string,
    password: string,
    origin?: Origin,
    options?: { found?: FoundAccount; recordThrough?: Queryable },
  ): Promise<SignedInAccount | undefined>;
  /** The statement reading the account of `email` for authenticate, to send inside another; `read` takes its answer. */
  signingInLookup(email: string): { name?: string; text: string; values: unknown[]; read: (answer: unknown) => FoundAccount };
  findById(id: string): Promise<Account | undefined>;
  findByEmail(email: string): Promise<Account | undefined>;
  /** Locks (no sign-in) or unlocks an account; undefined when there is none. Its sessions are the caller's to end. */
  setLocked(id: string, isLocked: boolean, db?: Queryable): Promise<Account | undefined>;
  /** The latest `limit` security events, newest first (accountHistory.securityEventsShown unless told). */
  securityHistory(accountId: string, limit?: number): Promise<SecurityEvent[]>;
  /** The latest `limit` entries of the sharing journal, newest first (accountHistory.sharingEntriesShown unless told). */
  sharingJournal(accountId: string, limit?: number): Promise<SharingEntry[]>;
  /** `through`: a transaction, or a statement gathering the request's writes (oidc/request-scope.ts). */
  recordSharing(accountId: string, entry: Omit<SharingEntry, 'createdAt'>, through?: Queryable): Promise<void>;
  /** The commune site's own user id of the account (imports), for that commune's clients alone (claim legacy_id). */
  legacyIdOf(accountId: string, communeSlug: string): Promise<string | undefined>;
  selfService: SelfService;
  retention: Retention;
  /** The FranceConnect link: its certified identity, unlinking (only with another way in). */
  franceConnect: FranceConnectLinks;
}

/** A signed-in account, with whether a second factor is due (one statement read both). */
export type SignedInAccount = Account & { hasSecondFactor: boolean };

/** The account of an address as read for a sign-in (undefined: none); only authenticate looks inside. */
export interface FoundAccount {
  readonly account: SigningInAccount | undefined;
}

export interface AccountsDeps {
  db: Pool;
  config: Pick<Config, 'argon2' | 'passwordPolicy' | 'frenchCommonPasswords' | 'issuer' | 'selfService' | 'retention' | 'accountHistory'>;
  log: Logger;
  /** Queues the citizen's mails; without it (the command line) no mail is queued. */
  notify?: AccountNotifier | undefined;
}

/** The account of an address as typed; undefined for an address no account could have. */
const findByAddress = async (db: Queryable, email: string) => {
  const address = parseEmail(email);
  return address === undefined ? undefined : findAccountByEmail(db, address);
};

function withoutHash({ passwordHash: _ignored, ...account }: AccountWithHash): Account {
  return account;
}

function signedIn({ passwordHash: _ignored, ...account }: SigningInAccount): SignedInAccount {
  return account;
}

export function createAccounts({ db, config, log, notify }: AccountsDeps): Accounts {
  const passwords = createPasswords(config.argon2, config.passwordPolicy);
  const commonPasswords = loadCommonPasswords(config.frenchCommonPasswords);
  const selfService = createSelfService({ pool: db, config, passwords, commonPasswords, notify, log });
  const registration = createRegistration({ pool: db, config, passwords, commonPasswords, selfService, notify, log });
  return {
    register: registration.register,
    signUp: registration.signUp,
    signingInLookup(email) {
      // An address no account could have reads nothing: the statement answers null for it.
      const address = parseEmail(email);
      return {
        ...(address === undefined ? {} : { name: 'signing-in-account' }),
        text: address === undefined ? 'select null::json' : SIGNING_IN_ACCOUNT_SQL,
        values: address === undefined ? [] : [address],
        read: (answer) => ({ account: signingInAccountFromJson(answer) }),
      };
    },
    async authenticate(email, password, origin = {}, { found, recordThrough } = {}) {
      const address = found ? undefined : parseEmail(email);
      const account = found ? found.account : address === undefined ? undefined : await findSigningInAccount(db, address);
      // An unknown address, or an account without a hash of ours, costs one argon2 verification all the same.
      const isOurs = await passwords.verify(account?.passwordHash, password);
      if (!account) return undefined;
      // Ours first; then any hash of the communes' sites still waiting for the account's first sign-in here.
      const legacyHash = isOurs ? undefined : await matchingLegacyHash(db, passwords, account.id, password, config.passwordPolicy.maxBytes);
      // A locked account is refused like a wrong password: same answer, same time.
      if ((!isOurs && !legacyHash) || account.lockedAt) {
        await selfService.recordEvent(account.id, 'login_failed', origin);
        return undefined;
      }
      // A legacy password becomes ours now (a busy queue refuses this sign-in, and nothing is written); a
      // rehash of ours refused by a busy queue waits for the next sign-in: the citizen proved the password.
      const rehash = legacyHash
        ? await passwords.hash(password)
        : account.passwordHash && passwords.needsRehash(account.passwordHash)
          ? await passwords.hash(password).catch(() => undefined)
          : undefined;
      if (!legacyHash) {
        if (recordThrough) await recordOwnPasswordLoginThrough(recordThrough, account.id, rehash, origin);
        else await recordOwnPasswordLogin(db, account.id, rehash, origin);
        return signedIn(account);
      }
      // Ours in, every legacy hash out, the sign-in recorded: all of it or none.
      const isSignedIn = await withTransaction(db, async (tx) => {
        if (!(await retireLegacyHashes(tx, account.id, legacyHash))) return false;
        await updateLastLogin(tx, account.id, rehash);
        await selfService.recordEvent(account.id, 'login', origin, tx);
        return true;
      });
      if (!isSignedIn) {
        await selfService.recordEvent(account.id, 'login_failed', origin);
        return undefined;
      }
      return signedIn(account);
    },
    async findById(id) {
      const account = await findAccountById(db, id);
      return account && withoutHash(account);
    },
    async findByEmail(email) {
      const account = await findByAddress(db, email);
      return account && withoutHash(account);
    },
    async setLocked(id, isLocked, through = db) {
      const account = await setAccountLocked(through, id, isLocked);
      return account && withoutHash(account);
    },
    securityHistory: (accountId, limit = config.accountHistory.securityEventsShown) => listSecurityEvents(db, accountId, limit),
    sharingJournal: (accountId, limit = config.accountHistory.sharingEntriesShown) => listSharingEntries(db, accountId, limit),
    recordSharing: (accountId, entry, through = db) => insertSharingEntry(through, accountId, entry),
    legacyIdOf: (accountId, communeSlug) => findLegacyIdOf(db, communeSlug, accountId),
    selfService,
    retention: createRetention({ pool: db, config, notify }),
    franceConnect: createFranceConnectLinks({ pool: db, selfService }),
  };
}
