// findAccount for oidc-provider: our accounts, with claims released per scope by the library. Each
// release is written to the citizen's sharing journal (claim names only, never values).
import type { FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { CLAIMS_BY_SCOPE, claimsOf, type Accounts, type SharingChannel } from '../accounts/index.js';
import type { Logger } from '../log.js';

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

export function createFindAccount(accounts: Pick<Accounts, 'findById' | 'recordSharing'>, log: Logger): FindAccount {
  return async (ctx: KoaContextWithOIDC | undefined, sub) => {
    const account = await accounts.findById(sub);
    if (!account) return undefined;
    return {
      accountId: account.id,
      async claims(use, scope, requested, rejected) {
        const available = claimsOf(account);
        const client = ctx?.oidc.client as unknown as { clientId: string; clientName?: string; commune_name?: string } | undefined;
        if (client && (use === 'id_token' || use === 'userinfo')) {
          await accounts
            .recordSharing(account.id, {
              clientId: client.clientId,
              clientName: client.clientName ?? client.clientId,
              communeName: client.commune_name ?? '',
              claims: releasedClaims(use, scope, requested as ClaimsRequest, rejected, available),
              channel: use,
            })
            .catch((error: unknown) => log.warn({ event: 'journal.write_failed', err: error }, 'journal.write_failed'));
        }
        return available;
      },
    };
  };
}
