// The communes' APIs as resource servers: a client the registry lets name an API (resource_indicators) gets
// client-credentials tokens with that API as audience, opaque (stored, revocable) or, opted in, JWTs
// (RFC 9068, ES256) that store no row. The library neither stores nor finds a JWT access token: its
// introspection and revocation answer unsupported_token_type, and the API verifies the signature itself.
import type { KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import { resourceIndicatorsOf, wantsJwtAccessTokens } from './client-marks.js';

type Client = NonNullable<KoaContextWithOIDC['oidc']['client']>;

/**
 * What a client asking client-credentials tokens for one of its registered APIs gets; undefined for any other
 * resource, client or grant (then the caller refuses it: invalid_target). A citizen's tokens never go here.
 */
export function clientResourceServer(
  ctx: KoaContextWithOIDC,
  resourceIndicator: string,
  client: Client,
  ttlSeconds: number,
): ResourceServer | undefined {
  const isClientCredentials = ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials';
  if (!isClientCredentials || !resourceIndicatorsOf(client).includes(resourceIndicator)) return undefined;
  // The OpenID scopes are about citizens: none means anything to an API, so its tokens carry none.
  const base = { scope: '', audience: resourceIndicator, accessTokenTTL: ttlSeconds };
  return wantsJwtAccessTokens(client)
    ? { ...base, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }
    : { ...base, accessTokenFormat: 'opaque' };
}
