// The changes to an account that cross rooms, in one place for every face (account pages, operators' API,
// command line, retention): the account's side (accounts/), then what it means for the citizen's sessions
// and tokens (oidc/: revoked, with back-channel logout to the sites), once the account's side is committed.
// The verification mail is resent from one place too, so that the citizen's /account and the help desk
// spend the same hourly quota of the account.
import type { Account, Accounts, InactiveAccount, Origin } from '../accounts/index.js';
import type { Config } from '../config.js';
import { takeThrottleAttempt, type Pool, type ThrottleKey } from '../db/index.js';
import { notFound, rateLimited } from '../errors.js';
import { maskEmail } from '../log.js';
import type { CitizenSessions } from '../oidc/index.js';
import { audited, type Actor } from '../operators/index.js';

export interface AccountChangesDeps {
  pool: Pool;
  accounts: Pick<Accounts, 'setLocked' | 'selfService' | 'findById'>;
  citizen: Pick<CitizenSessions, 'revokeEverything' | 'revokeAllButSession' | 'revokeService'>;
  /** selfService.verificationMailsPerHour: the quota of resent verification mails. */
  config: Pick<Config, 'selfService'>;
}

/** At most `perHour` verification mails an hour for one account, whoever asks (the citizen, the help desk). */
const verificationQuota = (accountId: string, perHour: number): ThrottleKey => ({
  key: `verify-mail:${accountId}`,
  free: perHour,
  windowSeconds: 3600,
  firstDelaySeconds: 3600,
  maxDelaySeconds: 3600,
});

export interface AccountChanges {
  /** Locks (no sign-in; every session and token revoked) or unlocks an account, audited with the `reason` given. */
  setLocked(by: Actor, accountId: string, isLocked: boolean, reason?: string): Promise<Account>;
  /**
   * Mails a new verification link to an unverified address, within the account's hourly quota (429
   * rate_limited_hour beyond it). `by`: the operator who asked (the help desk), audited; none for the citizen.
   * Answers whether a mail was queued: none for an address already verified.
   */
  resendVerification(accountId: string, by?: Actor): Promise<{ account: Account; isSent: boolean }>;
  /** A new password from a reset link: then no session, no grant, no token is left of the account. */
  resetPassword(token: string, newPassword: string, origin?: Origin): Promise<Account>;
  /** A new password from the account space: every other session and what it obtained ends, this one stays. */
  changePassword(accountId: string, currentPassword: string, newPassword: string, keptSessionUid: string, origin?: Origin): Promise<void>;
  /** The citizen closes their account, confirming their password. */
  deleteAccount(accountId: string, currentPassword: string): Promise<void>;
  /**
   * Closes an account at once: sessions and tokens revoked first (the sites hear of it by back-channel
   * logout while the account still answers), then its data erased and its goodbye mailed.
   */
  closeAccount(account: Pick<Account | InactiveAccount, 'id' | 'email' | 'locale'>): Promise<void>;
  /** Ends the citizen's relation with one site (grant, tokens, consent; back-channel logout), in their history. */
  revokeService(accountId: string, clientId: string, origin?: Origin): Promise<void>;
}

export function createAccountChanges({ pool, accounts, citizen, config }: AccountChangesDeps): AccountChanges {
  const changes: AccountChanges = {
    // The revocation follows the commit: it writes on connections of its own, which the embedded database
    // (one connection) could not give while the lock's transaction holds one.
    setLocked: (by, accountId, isLocked, reason) =>
      audited(pool, by, async (tx, unit) => {
        const account = await accounts.setLocked(accountId, isLocked, tx);
        if (!account) throw notFound('account_not_found', 'no such account');
        if (isLocked) unit.afterCommit(() => citizen.revokeEverything(accountId));
        return {
          result: account,
          audit: {
            action: `account.${isLocked ? 'locked' : 'unlocked'}`,
            target: `account:${account.id}`,
            after: { email: maskEmail(account.email), locked: isLocked, ...(reason ? { reason } : {}) },
          },
        };
      }),

    async resendVerification(accountId, by) {
      const account = await accounts.findById(accountId);
      if (!account) throw notFound('account_not_found', 'no such account');
      if (account.emailVerified) return { account, isSent: false };
      // Counted before the mail, like every quota: parallel requests cannot slip between a check and a count.
      const wait = await takeThrottleAttempt(pool, [verificationQuota(account.id, config.selfService.verificationMailsPerHour)]);
      if (wait !== undefined) throw rateLimited('rate_limited_hour', wait, 'too many verification mails this hour');
      if (!by) {
        await accounts.selfService.sendVerification(account);
        return { account, isSent: true };
      }
      return audited(pool, by, async (tx) => {
        await accounts.selfService.sendVerification(account, { db: tx });
        return {
          result: { account, isSent: true },
          audit: { action: 'account.verification_mail_sent', target: `account:${account.id}`, after: { email: maskEmail(account.email) } },
        };
      });
    },

    async resetPassword(token, newPassword, origin = {}) {
      const account = await accounts.selfService.resetPassword(token, newPassword, origin);
      await citizen.revokeEverything(account.id);
      return account;
    },

    async changePassword(accountId, currentPassword, newPassword, keptSessionUid, origin = {}) {
      await accounts.selfService.changePassword(accountId, currentPassword, newPassword, origin);
      await citizen.revokeAllButSession(accountId, keptSessionUid);
    },

    async deleteAccount(accountId, currentPassword) {
      await changes.closeAccount(await accounts.selfService.confirmPassword(accountId, currentPassword));
    },

    async closeAccount(account) {
      await citizen.revokeEverything(account.id);
      await accounts.selfService.closeAccount(account);
    },

    async revokeService(accountId, clientId, origin = {}) {
      await citizen.revokeService(accountId, clientId);
      await accounts.selfService.recordEvent(accountId, 'service_revoked', origin);
    },
  };
  return changes;
}
