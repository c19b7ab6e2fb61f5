// findAccount for oidc-provider: our accounts, with claims released per scope by the library. Each
// release is written to the citizen's sharing journal (claim names only, never values).
import type { FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import {
  CERTIFIED_IDENTITY_SCOPE,
  CLAIMS_BY_SCOPE,
  claimsOf,
  VERIFIED_CLAIMS,
  type Accounts,
  type SharingChannel,
} from '../accounts/index.js';
import type { Logger } from '../log.js';
import { deferringQueryable, keepAccount, scopedAccount } from './request-scope.js';

type ClaimsRequest = Record<string, unknown> | undefined;

/**
 * The claim names a site receives: for userinfo, those of the granted scopes and the claims parameter;
 * for the ID token (we conform to OIDC Core 5.4: scope claims go to userinfo), sub and the claims parameter.
 */
export function releasedClaims(
  use: SharingChannel,
  scope: string,
  requested: ClaimsRequest,
  rejected: string[],
  available: Record<string, unknown>,
): string[] {
  const names = new Set<string>(['sub']);
  if (use === 'userinfo') {
    for (const s of scope.split(' ')) for (const claim of (CLAIMS_BY_SCOPE as Record<string, readonly string[]>)[s] ?? []) names.add(claim);
  }
  for (const claim of Object.keys(requested ?? {})) names.add(claim);
  return [...names].filter((claim) => !rejected.includes(claim) && available[claim] !== undefined).sort();
}

/** The legacy_id claim is asked by its scope or by name in the claims parameter. */
const asksLegacyId = (scope: string, requested: ClaimsRequest) =>
  scope.split(' ').includes('legacy_id') || 'legacy_id' in (requested ?? {});

/**
 * `legacyIdOf` releases a commune site's former user id, and only to a client of that very commune: the claim is
 * looked up by the asking client's commune, so a client of another commune finds none to receive. The certified
 * identity (verified_claims) goes only with its own scope, which a client holds once the Métropole approved it.
 */
export function createFindAccount(
  accounts: Pick<Accounts, 'findById' | 'recordSharing' | 'legacyIdOf' | 'franceConnect'>,
  log: Logger,
): FindAccount {
  return async (ctx: KoaContextWithOIDC | undefined, sub) => {
    // Read once per request: with the token or interaction that named it (adapter.ts), or here the first time.
    let account = scopedAccount(sub);
    if (account === undefined) {
      account = (await accounts.findById(sub)) ?? null;
      keepAccount(sub, account);
    }
    // A locked account is no account to the provider: a session, refresh or access token that outlived the lock
    // (opened between its commit and the revocation that follows it) signs nobody in and releases nothing.
    if (!account || account.lockedAt) return undefined;
    return {
      accountId: account.id,
      async claims(use, scope, requested, rejected) {
        const available = claimsOf(account);
        const client = ctx?.oidc.client as unknown as
          { clientId: string; clientName?: string; commune?: string; commune_name?: string } | undefined;
        if (client?.commune && asksLegacyId(scope, requested)) {
          const legacyId = await accounts.legacyIdOf(account.id, client.commune);
          if (legacyId !== undefined) available.legacy_id = legacyId;
        }
        // Asked by name in the claims parameter alone, the certified identity is not there to release.
        if (scope.split(' ').includes(CERTIFIED_IDENTITY_SCOPE)) {
          const verified = await accounts.franceConnect.verifiedClaimsOf(account.id);
          if (verified) available[VERIFIED_CLAIMS] = verified;
        }
        if (client && (use === 'id_token' || use === 'userinfo')) {
          const entry: Parameters<typeof accounts.recordSharing>[1] = {
            clientId: client.clientId,
            clientName: client.clientName ?? client.clientId,
            communeName: client.commune_name ?? '',
            claims: releasedClaims(use, scope, requested, rejected, available),
            channel: use,
          };
          // In a request to the provider, the line goes with the request's other writes, before the answer
          // leaves: if it cannot be written, the claims are not released (request-writes.ts).
          const withTheAnswer = deferringQueryable('SharingJournal');
          if (withTheAnswer) await accounts.recordSharing(account.id, entry, withTheAnswer);
          else
            await accounts
              .recordSharing(account.id, entry)
              .catch((error: unknown) => log.warn({ event: 'journal.write_failed', err: error }, 'journal.write_failed'));
        }
        return available;
      },
    };
  };
}
