// The changes to an account that cross rooms, in one place for every face (account pages, operators' API,
// command line, retention): the account's side (accounts/), then what it means for the citizen's sessions
// and tokens (oidc/: revoked, with back-channel logout to the sites), once the account's side is committed.
import type { Account, Accounts, InactiveAccount, Origin } from '../accounts/index.js';
import type { Pool } from '../db/index.js';
import { notFound } from '../errors.js';
import { maskEmail } from '../log.js';
import type { CitizenSessions } from '../oidc/index.js';
import { audited, type Actor } from '../operators/index.js';

export interface AccountChangesDeps {
  pool: Pool;
  accounts: Pick<Accounts, 'setLocked' | 'selfService'>;
  citizen: Pick<CitizenSessions, 'revokeEverything' | 'revokeAllButSession' | 'revokeService'>;
}

export interface AccountChanges {
  /** Locks (no sign-in; every session and token revoked) or unlocks an account, audited. */
  setLocked(by: Actor, accountId: string, isLocked: boolean): Promise<Account>;
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

export function createAccountChanges({ pool, accounts, citizen }: AccountChangesDeps): AccountChanges {
  const changes: AccountChanges = {
    // The revocation follows the commit: it writes on connections of its own, which the embedded database
    // (one connection) could not give while the lock's transaction holds one.
    setLocked: (by, accountId, isLocked) =>
      audited(pool, by, async (tx, unit) => {
        const account = await accounts.setLocked(accountId, isLocked, tx);
        if (!account) throw notFound('account_not_found', 'no such account');
        if (isLocked) unit.afterCommit(() => citizen.revokeEverything(accountId));
        return {
          result: account,
          audit: {
            action: `account.${isLocked ? 'locked' : 'unlocked'}`,
            target: `account:${account.id}`,
            after: { email: maskEmail(account.email), locked: isLocked },
          },
        };
      }),

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
