// What a citizen does with their own account: verify the email, reset or change the password, change
// the email, edit the profile, close the account. The account's side only: what the change means for the
// citizen's sessions and tokens (the provider's side) is done above, by services/account-changes.ts.
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { AppError, conflict, invalid, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Locale } from '../locale.js';
import {
  deleteAccount,
  findAccountByEmail,
  findAccountById,
  markEmailVerified,
  updateEmail,
  updatePasswordHash,
  updateProfile,
  type Account,
  type AccountWithHash,
  type ProfileChange,
} from './account-repository.js';
import type { CommonPasswords } from './common-passwords.js';
import { normaliseEmail, parseEmail } from './email-address.js';
import { checkPasswordPolicy, type Passwords } from './passwords.js';
import { deleteSecondFactors } from './factors/second-factor-repository.js';
import { insertSecurityEvent, type SecurityEventKind } from './security-event-repository.js';
import { expireAccountTokens, findUsableAccountToken, insertAccountToken, useAccountToken, type TokenPurpose } from './token-repository.js';

export type NoticeKind =
  | 'verify-email'
  | 'reset-password'
  | 'confirm-new-email'
  | 'email-changed'
  | 'password-changed'
  | 'account-deleted'
  | 'retention-warning'
  | 'registration-attempted'
  | 'email-change-attempted'
  | 'totp-added'
  | 'totp-removed'
  | 'passkey-added'
  | 'passkey-removed'
  | 'recovery-codes-generated'
  | 'recovery-code-used'
  | 'recovered-at-counter'
  | 'franceconnect-link-code';

/** A message for the citizen; the app renders it in their language and sends it. */
export interface AccountNotice {
  kind: NoticeKind;
  to: string;
  locale: Locale;
  link?: string;
  vars?: Record<string, string>;
  /** The account the mail is about: its outbox rows go with it when it is deleted. */
  accountId?: string;
  /** Erased from the outbox as soon as it is sent (the goodbye mail of a deleted account). */
  eraseOnceSent?: boolean;
}

/** Queues a notice's mail; given `db` (a transaction's client), in that transaction. */
export type AccountNotifier = (notice: AccountNotice, db?: Queryable) => Promise<void>;

/** Where a security event came from, for the citizen's history. */
export interface Origin {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** What a citizen does with their own account, the account's side of it (services/ does the provider's). */
export interface SelfService {
  /** A security event of the account's history; given `db`, in that transaction. */
  recordEvent(accountId: string, kind: SecurityEventKind, origin?: Origin, db?: Queryable): Promise<void>;
  /** Mails a verification link to an unverified address. `db`: the registration's transaction; `linkPath`: where the link leads (the account space by default). */
  sendVerification(
    account: Pick<Account, 'id' | 'email' | 'locale' | 'emailVerified'>,
    options?: { db?: Queryable; linkPath?: string | undefined },
  ): Promise<void>;
  /** Whether a mailed link may still be followed (not expired, not used), without using it. */
  isLinkUsable(token: string, purpose: TokenPurpose): Promise<boolean>;
  /** Uses a verification link: the address is verified. Refused with `link_invalid` for a link expired, used or unknown. */
  verifyEmail(token: string, origin?: Origin): Promise<Account>;
  /**
   * Answers at once, the same way whether or not the email has an account: the lookup and the mail
   * happen after the caller has answered, so neither the answer nor its timing tells.
   */
  /** `clientId`: the site the citizen came from, which the mailed link names so that the reset ends with a way back to it. */
  requestPasswordReset(email: string, options?: { clientId?: string | undefined }): void;
  /**
   * The hash of a new password for the account of `email` once it meets the policy (refused with the policy's
   * code otherwise), made in the bounded queue; a caller that proved the citizen another way (a counter code)
   * stores it in its own transaction.
   */
  hashNewPassword(email: string, newPassword: string): Promise<string>;
  /** A new password from a reset link (the caller then revokes every session and token of the account). */
  resetPassword(token: string, newPassword: string, origin?: Origin): Promise<Account>;
  /**
   * A new password from the account space. Whoever knew the old one may hold a reset link: it stops
   * working (the caller then ends their sessions and tokens, except the session that made the change).
   */
  changePassword(accountId: string, currentPassword: string, newPassword: string, origin?: Origin): Promise<void>;
  /**
   * The new email takes effect once the link sent to it is followed. The answer is the same whether or
   * not another account uses the address (no oracle of who has an account): that account's owner is
   * told instead that nothing changed, and the link, issued all the same, is mailed to nobody.
   */
  requestEmailChange(accountId: string, newEmail: string, currentPassword: string): Promise<void>;
  /** Uses the link mailed to the new address: the account takes it, and the old address is told. */
  confirmEmailChange(token: string, origin?: Origin): Promise<Account>;
  updateProfile(accountId: string, profile: ProfileChange, origin?: Origin): Promise<Account>;
  /** The account, once the citizen confirmed its current password (before closing it). */
  confirmPassword(accountId: string, currentPassword: string): Promise<Account>;
  /**
   * Erases the account (data erased, sub tombstoned) and mails its goodbye; answers whether this call
   * deleted it. Its sessions and tokens are the caller's to revoke first (services/account-changes.ts).
   */
  closeAccount(account: Pick<Account, 'id' | 'email' | 'locale'>): Promise<boolean>;
}

export interface SelfServiceDeps {
  pool: Pool;
  config: Pick<Config, 'issuer' | 'passwordPolicy' | 'selfService'>;
  passwords: Passwords;
  commonPasswords: CommonPasswords;
  /** Absent (the command line), no mail is queued. */
  notify?: AccountNotifier | undefined;
  log: Logger;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

function withoutHash({ passwordHash: _ignored, ...account }: AccountWithHash): Account {
  return account;
}

export function createSelfService(deps: SelfServiceDeps): SelfService {
  const { pool, config, passwords, log } = deps;
  const notify: AccountNotifier = async (notice, db) => {
    await deps.notify?.(notice, db);
  };

  async function issueLink(
    account: { id: string },
    purpose: TokenPurpose,
    ttlSeconds: number,
    path: string,
    newEmail?: string,
    db: Queryable = pool,
  ) {
    const token = randomBytes(32).toString('base64url');
    await expireAccountTokens(db, account.id, purpose);
    await insertAccountToken(db, {
      hash: hashToken(token),
      accountId: account.id,
      purpose,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
      newEmail,
    });
    return `${config.issuer}${path}?token=${token}`;
  }

  function checkNewPassword(password: string, email: string) {
    const problem = checkPasswordPolicy(password, email, config.passwordPolicy, deps.commonPasswords);
    if (problem) throw invalid(problem, 'password does not meet the policy', { field: 'password' });
  }

  async function requireAccount(id: string): Promise<AccountWithHash> {
    const account = await findAccountById(pool, id);
    if (!account) throw notFound('account_not_found', 'no such account');
    return account;
  }

  async function requirePassword(account: AccountWithHash, password: string) {
    if (!(await passwords.verify(account.passwordHash, password))) {
      throw new AppError('current_password_wrong', 'invalid', 'the current password is wrong', { field: 'currentPassword' });
    }
  }

  const service: SelfService = {
    recordEvent(accountId, kind, origin = {}, db = pool) {
      return insertSecurityEvent(db, { accountId, kind, ...origin });
    },

    async sendVerification(account, { db = pool, linkPath = '/account/email/verify' } = {}) {
      if (account.emailVerified) return;
      const link = await issueLink(account, 'verify-email', config.selfService.verifyEmailTtlSeconds, linkPath, undefined, db);
      await notify({ kind: 'verify-email', to: account.email, locale: account.locale, link, accountId: account.id }, db);
    },

    async isLinkUsable(token, purpose) {
      return (await findUsableAccountToken(pool, hashToken(token), purpose)) !== undefined;
    },

    async verifyEmail(token, origin = {}) {
      const used = await useAccountToken(pool, hashToken(token), 'verify-email');
      if (!used) throw invalid('link_invalid', 'this link is expired, already used or unknown');
      const account = await requireAccount(used.accountId);
      await markEmailVerified(pool, account.id, account.email);
      await service.recordEvent(account.id, 'email_verified', origin);
      return { ...withoutHash(account), emailVerified: true };
    },

    requestPasswordReset(email, { clientId } = {}) {
      setImmediate(() => {
        void (async () => {
          const address = parseEmail(email);
          const account = address && (await findAccountByEmail(pool, address));
          if (!account) return;
          const issued = await issueLink(account, 'reset-password', config.selfService.resetPasswordTtlSeconds, '/account/password/reset');
          const link = clientId ? `${issued}&client_id=${encodeURIComponent(clientId)}` : issued;
          await notify({ kind: 'reset-password', to: account.email, locale: account.locale, link, accountId: account.id });
        })().catch((error: unknown) => log.error({ event: 'account.reset_request_failed', err: error }, 'account.reset_request_failed'));
      });
    },

    hashNewPassword(email, newPassword) {
      checkNewPassword(newPassword, email);
      return passwords.hash(newPassword);
    },

    async resetPassword(token, newPassword, origin = {}) {
      const hash = hashToken(token);
      const usable = await findUsableAccountToken(pool, hash, 'reset-password');
      if (!usable) throw invalid('link_invalid', 'this link is expired, already used or unknown');
      const account = await requireAccount(usable.accountId);
      checkNewPassword(newPassword, account.email);
      const passwordHash = await passwords.hash(newPassword);
      await withTransaction(pool, async (tx) => {
        if (!(await useAccountToken(tx, hash, 'reset-password')))
          throw invalid('link_invalid', 'this link is expired, already used or unknown');
        await updatePasswordHash(tx, account.id, passwordHash);
        // A citizen who could reset also proved they read the mailbox. Second factors set up before the
        // address was ever proved were set up by whoever registered it, maybe not its owner: they go.
        await markEmailVerified(tx, account.id, account.email);
        if (!account.emailVerified) await deleteSecondFactors(tx, account.id);
        await service.recordEvent(account.id, 'password_reset', origin, tx);
        await notify({ kind: 'password-changed', to: account.email, locale: account.locale, accountId: account.id }, tx);
      });
      return withoutHash(account);
    },

    async changePassword(accountId, currentPassword, newPassword, origin = {}) {
      const account = await requireAccount(accountId);
      await requirePassword(account, currentPassword);
      checkNewPassword(newPassword, account.email);
      const passwordHash = await passwords.hash(newPassword);
      await withTransaction(pool, async (tx) => {
        await updatePasswordHash(tx, account.id, passwordHash);
        await expireAccountTokens(tx, account.id, 'reset-password');
        await service.recordEvent(account.id, 'password_changed', origin, tx);
        await notify({ kind: 'password-changed', to: account.email, locale: account.locale, accountId: account.id }, tx);
      });
    },

    async requestEmailChange(accountId, newEmail, currentPassword) {
      const account = await requireAccount(accountId);
      await requirePassword(account, currentPassword);
      const email = normaliseEmail(newEmail);
      if (email.toLowerCase() === account.email.toLowerCase())
        throw invalid('email_unchanged', 'this is already the account email', { field: 'email' });
      const owner = await findAccountByEmail(pool, email);
      const link = await issueLink(account, 'change-email', config.selfService.changeEmailTtlSeconds, '/account/email/confirm', email);
      await notify(
        owner
          ? { kind: 'email-change-attempted', to: owner.email, locale: owner.locale, accountId: owner.id }
          : { kind: 'confirm-new-email', to: email, locale: account.locale, link, accountId: account.id },
      );
    },

    async confirmEmailChange(token, origin = {}) {
      const used = await useAccountToken(pool, hashToken(token), 'change-email');
      if (!used?.newEmail) throw invalid('link_invalid', 'this link is expired, already used or unknown');
      const before = await requireAccount(used.accountId);
      const after = await updateEmail(pool, used.accountId, used.newEmail);
      if (!after) throw conflict('email_taken', 'an account already uses this email');
      await service.recordEvent(after.id, 'email_changed', origin);
      await notify({
        kind: 'email-changed',
        to: before.email,
        locale: before.locale,
        vars: { newEmail: after.email },
        accountId: after.id,
      });
      return withoutHash(after);
    },

    async updateProfile(accountId, profile, origin = {}) {
      const updated = await updateProfile(pool, accountId, profile);
      if (!updated) throw notFound('account_not_found', 'no such account');
      await service.recordEvent(accountId, 'profile_updated', origin);
      return withoutHash(updated);
    },

    async confirmPassword(accountId, currentPassword) {
      const account = await requireAccount(accountId);
      await requirePassword(account, currentPassword);
      return withoutHash(account);
    },

    async closeAccount(account) {
      // Whoever deletes the row (the citizen, or one of several retention workers) sends the one mail.
      const isDeleted = await withTransaction(pool, async (tx) => {
        if (!(await deleteAccount(tx, account.id))) return false;
        // The account's own mails went with its row; this last one is about no account and leaves once sent.
        await notify({ kind: 'account-deleted', to: account.email, locale: account.locale, eraseOnceSent: true }, tx);
        return true;
      });
      if (isDeleted) log.info({ event: 'account.deleted', accountId: account.id }, 'account.deleted');
      return isDeleted;
    },
  };

  return service;
}
