// A grant the provider revokes (a code replayed, a refresh token reused) is gone for the browser session
// that held it too: that browser's next authorization makes a new grant instead of codes tied to the dead one.
import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

let server: TestServer;
let site: TestClient;
let firstParty: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'caluire' });
  site = await aClient(server.registry, 'caluire');
  firstParty = await aClient(server.registry, 'caluire', { isFirstParty: true });
});

afterAll(async () => {
  await server.stop();
});

describe.each([
  ['a site that asked consent', () => site],
  ['a first-party site', () => firstParty],
])('after the provider revoked a grant of %s', (_kind, client) => {
  it('gives the same browser a code that redeems, once a replayed code revoked the grant', async () => {
    const citizen = await anAccount(server.accounts);
    const browser = new UserAgent(server.issuer);
    const config = await discover(server.issuer, client());
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
    const citizen = await anAccount(server.accounts);
    const browser = new UserAgent(server.issuer);
    const config = await discover(server.issuer, client());
    const first = await startAuthorization(config, client());
    const tokens = await exchange(config, first, await signIn(browser, first, citizen));
    await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const next = await startAuthorization(config, client());
    const renewed = await exchange(config, next, await signIn(browser, next));
    expect((await oidc.tokenIntrospection(config, renewed.access_token)).active).toBe(true);
  });
});
