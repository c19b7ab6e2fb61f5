import { comparable } from '../support/account-space.js';
import { discover, exchange, loginPageAt, oidc, signIn, signInAt, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { storedIdOf } from '../support/stored-payloads.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({ communes: ['vaulx-en-velin'], clients: { site: {}, publicSite: { isPublic: true } }, accounts: { citizen: {} } }),
);

describe('what the provider refuses', () => {
  it('shows the login page again with a message on a wrong password, without redirecting', async () => {
    const agent = new UserAgent(world.server.issuer);
    const refused = await agent.submit(await loginPageAt(world.site, agent), {
      email: world.citizen.email,
      password: 'not the right password at all',
    });
    if (!isPage(refused)) throw new Error('a wrong password must not redirect');
    expect(refused.status).toBe(401);
    expect(refused.html).toContain('Adresse électronique ou mot de passe incorrect.');
    expect(refused.html).toContain(`value="${world.citizen.email}"`);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const refusalFor = async (email: string) => {
      const agent = new UserAgent(world.server.issuer);
      const refused = await agent.submit(await loginPageAt(world.site, agent), { email, password: 'not the right password at all' });
      if (!isPage(refused)) throw new Error('a refused login must not redirect');
      return comparable(refused, [email]);
    };
    const wrongPassword = await refusalFor(world.citizen.email);
    const unknownEmail = await refusalFor('personne@example.org');
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.html).toContain('Adresse électronique ou mot de passe incorrect.');
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('shows an error page, never a redirect, for an unknown client', async () => {
    const agent = new UserAgent(world.server.issuer);
    const result = await agent.navigate(
      `/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
    );
    if (!isPage(result)) throw new Error(`redirected to ${result.leftTo}`);
    expect(result.status).toBe(400);
    expect(result.html).toContain('<html lang="fr">');
    expect(result.html).toContain('invalid_client');
    expect(result.html).not.toMatch(/at .*\.js:\d+/);
  });

  it('shows an error page, never a redirect, for an unregistered redirect URI', async () => {
    const agent = new UserAgent(world.server.issuer);
    const config = await discover(world.server.issuer, world.site);
    const attempt = await startAuthorization(config, { ...world.site, redirectUri: 'https://evil.example/cb' });
    const result = await agent.navigate(attempt.url);
    if (!isPage(result)) throw new Error(`redirected to ${result.leftTo}`);
    expect(result.status).toBe(400);
    expect(result.html).toContain('redirect_uri');
  });

  it('refuses a public client that sends no PKCE challenge', async () => {
    const config = await discover(world.server.issuer, world.publicSite);
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: world.publicSite.redirectUri, scope: 'openid', state: 'xyz' });
    const result = await new UserAgent(world.server.issuer).navigate(url.toString());
    if (isPage(result)) throw new Error('expected the error to go back to the registered redirect URI');
    const callback = new URL(result.leftTo);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('lets a public client in with PKCE and no secret', async () => {
    const { tokens } = await signInAt(world.publicSite, new UserAgent(world.server.issuer), world.citizen);
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('refuses an expired authorization code', async () => {
    const config = await discover(world.server.issuer, world.site);
    const attempt = await startAuthorization(config, world.site);
    const callback = await signIn(new UserAgent(world.server.issuer), attempt, world.citizen);
    const code = new URL(callback).searchParams.get('code')!;
    await world.server.database.pool.query(
      `update oidc_payloads set expires_at = now() - interval '1 second' where model = 'AuthorizationCode' and id = $1`,
      [storedIdOf('AuthorizationCode', code)],
    );
    await expect(exchange(config, attempt, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a client secret that does not match', async () => {
    const config = await discover(world.server.issuer, { ...world.site, clientSecret: 'wrong-secret' });
    // Authenticated with the Authorization header, the refusal is a Basic challenge naming invalid_client.
    await expect(oidc.clientCredentialsGrant(config)).rejects.toMatchObject({
      status: 401,
      cause: [expect.objectContaining({ scheme: 'basic', parameters: expect.objectContaining({ error: 'invalid_client' }) })],
    });
  });
});
