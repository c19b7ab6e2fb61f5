import { discover, exchange, oidc, signIn, signInAt, startAuthorization } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon'],
    clients: { lyonSite: { postLogoutRedirectUris: ['https://lyon.example.org/bye'] } },
    accounts: { citizen: {} },
  }),
);

describe('a commune site logs a citizen in with openid-client', () => {
  it('runs discovery → PKCE authorization → login → consent → code → ID token → userinfo → refresh → revocation → logout', async () => {
    const config = await discover(world.server.issuer, world.lyonSite);
    const agent = new UserAgent(world.server.issuer);
    const attempt = await startAuthorization(config, world.lyonSite);
    const callback = await signIn(agent, attempt, world.citizen);
    expect(callback.startsWith(world.lyonSite.redirectUri)).toBe(true);

    const tokens = await exchange(config, attempt, callback);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(world.server.issuer);
    expect(claims.aud).toBe(world.lyonSite.clientId);
    expect(claims.sub).not.toBe(world.citizen.id); // pairwise by default

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({
      sub: claims.sub,
      email: world.citizen.email,
      email_verified: true,
      given_name: 'Jeanne',
      family_name: 'Dupont',
    });

    expect(tokens.refresh_token).toBeDefined();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const before = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(before).toMatchObject({ active: true, client_id: world.lyonSite.clientId, sub: claims.sub });
    await oidc.tokenRevocation(config, refreshed.access_token);
    const after = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(after.active).toBe(false);

    // Revoking a token revokes its grant: the refresh token goes with the access token.
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const logoutUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://lyon.example.org/bye',
    });
    const confirmation = await agent.navigate(logoutUrl.toString());
    if (!('html' in confirmation)) throw new Error('expected a logout confirmation page');
    expect(confirmation.html).toContain('Voulez-vous vous déconnecter');
    const done = await agent.submit(confirmation, { logout: 'yes' });
    expect(done).toEqual({ leftTo: 'https://lyon.example.org/bye' });

    // Signed out: the next authorization asks for the password again.
    const again = await agent.navigate((await startAuthorization(config, world.lyonSite)).url);
    expect('html' in again && again.html.includes('autocomplete="current-password"')).toBe(true);
  });

  // Nothing else touches this grant: only the detection of the reused token can end it.
  it('reusing the rotated refresh token revokes the whole grant', async () => {
    const { config, tokens } = await signInAt(world.lyonSite, new UserAgent(world.server.issuer), world.citizen);
    const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(rotated.refresh_token).toEqual(expect.any(String));
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    // The rotated chain is alive: its access token works before anyone replays the old refresh token.
    expect(await oidc.tokenIntrospection(config, rotated.access_token)).toMatchObject({ active: true });

    // A thief replays the refresh token the site already rotated.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    // The whole grant is gone: the site's current refresh token and access token die with it.
    expect(await oidc.tokenIntrospection(config, rotated.access_token)).toMatchObject({ active: false });
    await expect(oidc.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
