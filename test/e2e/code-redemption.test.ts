import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['dardilly'], clients: { site: {} }, accounts: { citizen: {} } }));

async function aFreshCode() {
  const config = await discover(world.server.issuer, world.site);
  const attempt = await startAuthorization(config, world.site);
  const callback = await signIn(new UserAgent(world.server.issuer), attempt, world.citizen);
  return { config, attempt, callback, code: new URL(callback).searchParams.get('code')! };
}

async function redeemRaw(code: string, verifier: string) {
  const response = await fetch(`${world.server.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(world.site.clientId)}:${encodeURIComponent(world.site.clientSecret!)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: world.site.redirectUri, code_verifier: verifier }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('redeeming an authorization code', () => {
  it('gives exactly one token when twenty redemptions of one code race', async () => {
    const { code, attempt } = await aFreshCode();
    const results = await Promise.all(Array.from({ length: 20 }, () => redeemRaw(code, attempt.verifier)));
    const successes = results.filter((r) => r.status === 200);
    expect(successes).toHaveLength(1);
    expect(successes[0]!.body.access_token).toEqual(expect.any(String));
    for (const refused of results.filter((r) => r.status !== 200)) {
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_grant');
    }
  });

  it('refuses a code used twice and revokes what the first use produced', async () => {
    const { config, attempt, callback } = await aFreshCode();
    const tokens = await exchange(config, attempt, callback);
    await expect(exchange(config, attempt, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
    const introspection = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(introspection.active).toBe(false);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code with the wrong PKCE verifier', async () => {
    const { code } = await aFreshCode();
    const result = await redeemRaw(code, oidc.randomPKCECodeVerifier());
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_grant');
  });
});
