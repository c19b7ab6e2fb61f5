#!/usr/bin/env node
// The yardstick of the benchmark: the same oidc-provider as GrandLyonConnect, bare. In memory (its default
// memory adapter), its development interactions (the login form accepts any login, then its consent form),
// its default account (claims: sub), the clients registered in its configuration, RS256 and ES256 keys as
// ours. Configured like ours where it changes the work per request: refresh tokens rotated and issued to a
// client allowed the grant, client-credentials, introspection, resource indicators (an API whose
// client-credentials tokens are JWTs). Usage: node bare-provider.mjs PORT; prints "ready" when it listens.
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export const BARE_SITE = { client_id: 'bare-site', client_secret: 'bare-site-secret-0123456789-0123456789' };
export const BARE_SERVICE = { client_id: 'bare-service', client_secret: 'bare-service-secret-0123456789-012345' };
export const BARE_REDIRECT_URI = 'https://bench.example/cb';
export const BARE_API = 'https://api.bench.example/';

async function signingKeys() {
  const keys = [];
  for (const alg of ['RS256', 'ES256']) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    keys.push({ ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `bare-${alg}` });
  }
  return keys;
}

async function main() {
  const port = Number(process.argv[2]);
  const issuer = `http://localhost:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        ...BARE_SITE,
        redirect_uris: [BARE_REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid email',
      },
      { ...BARE_SERVICE, redirect_uris: [], response_types: [], grant_types: ['client_credentials'], scope: 'openid' },
    ],
    jwks: { keys: await signingKeys() },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: (ctx, resource) => {
          if (resource !== BARE_API) throw new Provider.errors.InvalidTarget();
          return { scope: '', audience: BARE_API, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  });
  provider.listen(port, () => process.stdout.write('ready\n'));
  process.on('SIGTERM', () => process.exit(0));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
