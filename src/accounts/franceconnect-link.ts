// The citizen's FranceConnect link seen from the account: the certified identity it holds, and unlinking, which is
// allowed only while the account keeps another way in (a password of ours or a passkey): an account made from
// FranceConnect sets a password first (the reset link by email does it). Linking is the federation's
// (src/federation/); it records 'franceconnect_linked', unlinking records 'franceconnect_unlinked'.
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { findAccountById } from './account-repository.js';
import { verifiedClaimsOf, type VerifiedClaims } from './certified-identity.js';
import { countPasskeys } from './factors/passkey-repository.js';
import { listFederatedIdentities, type FederatedIdentity } from './federated-identity-repository.js';
import { deleteLinkKeepingAWayIn } from './franceconnect-link-repository.js';
import type { Origin, SelfService } from './self-service.js';

export type UnlinkOutcome = 'unlinked' | 'not_linked' | 'no_other_way_in';

export interface FranceConnectLinks {
  /** The account's FranceConnect link, its identity as last received; undefined when there is none. */
  linkOf(accountId: string): Promise<FederatedIdentity | undefined>;
  /** Whether the account could still be signed in to without FranceConnect: a password of ours, or a passkey. */
  hasAnotherWayIn(accountId: string): Promise<boolean>;
  /**
   * Whether the account is linked and has no password of ours: then it confirms its deletion by signing in again
   * at FranceConnect rather than with a password (federation/reauthentication.ts).
   */
  confirmsWithFranceConnect(accountId: string): Promise<boolean>;
  /** Removes the link and records it in the security history, unless it would leave no other way in. */
  unlink(accountId: string, origin?: Origin): Promise<UnlinkOutcome>;
  /** The certified identity as a site receives it (scope identite_pivot); undefined for an account not linked. */
  verifiedClaimsOf(accountId: string): Promise<VerifiedClaims | undefined>;
}

// One link per provider and account, and FranceConnect is the only provider (the table's check): the first is it.
const findLinkOf = async (db: Queryable, accountId: string) => (await listFederatedIdentities(db, accountId))[0];

export function createFranceConnectLinks({
  pool,
  selfService,
}: {
  pool: Pool;
  selfService: Pick<SelfService, 'recordEvent'>;
}): FranceConnectLinks {
  const linkOf = (accountId: string) => findLinkOf(pool, accountId);
  return {
    linkOf,
    async hasAnotherWayIn(accountId) {
      const account = await findAccountById(pool, accountId);
      if (!account) return false;
      return account.passwordHash !== undefined || (await countPasskeys(pool, accountId)) > 0;
    },
    async confirmsWithFranceConnect(accountId) {
      const account = await findAccountById(pool, accountId);
      return account !== undefined && account.passwordHash === undefined && (await linkOf(accountId)) !== undefined;
    },
    async unlink(accountId, origin = {}) {
      return withTransaction(pool, async (tx): Promise<UnlinkOutcome> => {
        if (await deleteLinkKeepingAWayIn(tx, 'franceconnect', accountId)) {
          await selfService.recordEvent(accountId, 'franceconnect_unlinked', origin, tx);
          return 'unlinked';
        }
        return (await findLinkOf(tx, accountId)) ? 'no_other_way_in' : 'not_linked';
      });
    },
    async verifiedClaimsOf(accountId) {
      const link = await linkOf(accountId);
      return link && verifiedClaimsOf(link);
    },
  };
}
