// Consent is asked once per client and remembered across sessions (the grant is found by account and
// client, not only in the browser session); first-party clients never ask.
import type { KoaContextWithOIDC, Grant } from 'oidc-provider';

export type LatestGrantFinder = (accountId: string, clientId: string) => Promise<string | undefined>;

export function createLoadExistingGrant(findLatestGrantId: LatestGrantFinder) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { oidc } = ctx;
    const client = oidc.client!;
    const accountId = oidc.session?.accountId;
    const grantId = oidc.result?.consent?.grantId
      ?? oidc.session?.grantIdFor(client.clientId)
      ?? (accountId ? await findLatestGrantId(accountId, client.clientId) : undefined);
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    const isFirstParty = (client as unknown as { first_party?: boolean }).first_party === true;
    if (!isFirstParty || !accountId) return existing;

    const grant = existing ?? new oidc.provider.Grant({ accountId, clientId: client.clientId });
    const scope = [...oidc.requestParamScopes].join(' ');
    if (scope) grant.addOIDCScope(scope);
    const claims = [...oidc.requestParamClaims];
    if (claims.length) grant.addOIDCClaims(claims);
    await grant.save();
    return grant;
  };
}
