// Bearer tokens presented to our own API: found among the provider's access tokens (an operator signed
// in with the admin resource) and client-credentials tokens (a program made an operator).
import type Provider from 'oidc-provider';

export interface ApiToken {
  accountId: string | undefined;
  clientId: string;
  audiences: string[];
  scopes: Set<string>;
}

export async function findApiToken(provider: Provider, value: string): Promise<ApiToken | undefined> {
  const token = (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
  if (!token?.clientId || token.isExpired) return undefined;
  const aud = (token as unknown as { aud?: string | string[] }).aud;
  return {
    accountId: (token as unknown as { accountId?: string }).accountId,
    clientId: token.clientId,
    audiences: aud === undefined ? [] : Array.isArray(aud) ? aud : [aud],
    scopes: new Set((token.scope ?? '').split(' ').filter(Boolean)),
  };
}
