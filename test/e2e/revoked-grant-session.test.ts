// A grant the provider revokes (a code replayed, a refresh token reused) is gone for the browser session
// that held it too: that browser's next authorization makes a new grant instead of codes tied to the dead one,
// and a consent page open meanwhile asks again instead of expiring.
import { anAccount } from '../support/builders.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['caluire'], clients: { site: {}, firstParty: { isFirstParty: true } } }));

describe.each([
  ['a site that asked consent', () => world.site],
  ['a first-party site', () => world.firstParty],
])('after the provider revoked a grant of %s', (_kind, client) => {
  it('gives the same browser a code that redeems, once a replayed code revoked the grant', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    const config = await discover(world.server.issuer, client());
    const first = await startAuthorization(config, client());
    const callback = await signIn(browser, first, citizen);
    const tokens = await exchange(config, first, callback);
    await expect(exchange(config, first, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const next = await startAuthorization(config, client());
    const again = await signIn(browser, next); // still signed in: no password asked
    const renewed = await exchange(config, next, again);
    expect(renewed.claims()!.sub).toEqual(tokens.claims()!.sub);
    expect((await oidc.tokenIntrospection(config, renewed.access_token)).active).toBe(true);
  });

  it('gives the same browser a code that redeems, once a reused refresh token revoked the grant', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    const config = await discover(world.server.issuer, client());
    const first = await startAuthorization(config, client());
    const tokens = await exchange(config, first, await signIn(browser, first, citizen));
    await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const next = await startAuthorization(config, client());
    const renewed = await exchange(config, next, await signIn(browser, next));
    expect((await oidc.tokenIntrospection(config, renewed.access_token)).active).toBe(true);
  });
});

describe('a consent page open while its grant is revoked', () => {
  it('asks again, instead of failing, when the grant was revoked while the consent page was open', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    const config = await discover(world.server.issuer, world.site);
    const first = await startAuthorization(config, world.site, { scope: 'openid' });
    const callback = await signIn(browser, first, citizen);
    await exchange(config, first, callback);

    // More is asked: the consent page opens to add it to the grant of the first sign-in…
    const next = await startAuthorization(config, world.site, { scope: 'openid profile email' });
    const consent = await browser.navigate(next.url);
    if (!isPage(consent) || !consent.html.includes('value="allow"')) throw new Error('expected the consent page');
    // …while the first code is replayed, which revokes that grant.
    await expect(exchange(config, first, callback)).rejects.toMatchObject({ error: 'invalid_grant' });

    let result = await browser.submit(consent, { decision: 'allow' });
    if (isPage(result) && result.html.includes('value="allow"')) result = await browser.submit(result, { decision: 'allow' });
    if (isPage(result))
      throw new Error(
        `expected the way back to the site, got ${result.status}: ${result.html
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .slice(0, 600)}`,
      );
    const renewed = await exchange(config, next, result.leftTo);
    expect(renewed.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    expect((await oidc.tokenIntrospection(config, renewed.access_token)).active).toBe(true);
  });
});
