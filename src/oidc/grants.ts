// Consent is asked once per client: a live grant is reused (from the session, or found by account and
// client); without one, what the citizen allowed before (remembered apart from grants, which end at
// logout) becomes a new grant. First-party clients never ask for identity scopes; a resource scope is
// granted silently only to a first-party operator tool, and otherwise shown on the consent page.
import type { KoaContextWithOIDC, Grant } from 'oidc-provider';
import type { Consent } from './consent-repository.js';
import { isFirstParty, isOperatorTool } from './client-marks.js';

export interface ConsentMemory {
  findLatestGrantId(accountId: string, clientId: string): Promise<string | undefined>;
  findConsent(accountId: string, clientId: string): Promise<Consent | undefined>;
}

export function createLoadExistingGrant(memory: ConsentMemory) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { oidc } = ctx;
    const { client } = oidc;
    if (!client) return undefined;
    const accountId = oidc.session?.accountId;
    const grantId =
      oidc.result?.consent?.grantId ??
      oidc.session?.grantIdFor(client.clientId) ??
      (accountId ? await memory.findLatestGrantId(accountId, client.clientId) : undefined);
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!accountId || (existing && !isFirstParty(client))) return existing;

    const grant = existing ?? new oidc.provider.Grant({ accountId, clientId: client.clientId });
    // A first-party login asks again what the grant already holds: saved again, it would be the same row
    // (a grant's save keeps its expiry), one round trip for nothing.
    const asFound = existing && JSON.stringify(existing);
    if (isFirstParty(client)) {
      const scope = [...oidc.requestParamScopes].join(' ');
      if (scope) grant.addOIDCScope(scope);
      const claims = [...oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      if (isOperatorTool(client)) {
        for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
          const requested = [...oidc.requestParamScopes].filter((s) => server.scopes.has(s));
          if (requested.length) grant.addResourceScope(indicator, requested.join(' '));
        }
      }
    } else {
      const consent = await memory.findConsent(accountId, client.clientId);
      if (!consent) return undefined;
      grant.addOIDCScope(consent.scopes.join(' '));
      if (consent.claims.length) grant.addOIDCClaims(consent.claims);
    }
    if (asFound === undefined || JSON.stringify(grant) !== asFound) await grant.save();
    return grant;
  };
}
