// A metropole-admin locks an account (fraud, a citizen's request): it cannot sign in — answered exactly like
// a wrong password — and what it already held stops working; unlocked, it signs in again.
import request from 'supertest';
import { adminAudienceOf, adminToken, anOperatorClient, operatorsOf } from '../support/admin.js';
import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { textOf } from '../support/account-space.js';
import { ADMIN_PREFIX, expectConformant, servedDocument, type OpenApiDocument } from '../support/openapi.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';

let server: TestServer;
let document: OpenApiDocument;
let site: TestClient;
let otherSite: TestClient;
let adminBearer: string;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'villeurbanne', name: 'Villeurbanne' });
  site = await aClient(server.registry, 'villeurbanne', { name: 'Villeurbanne, démarches' });
  otherSite = await aClient(server.registry, 'villeurbanne', { name: 'Médiathèque de Villeurbanne' });
  document = await servedDocument(server);
  adminBearer = `Bearer ${await adminToken(server, await anOperatorClient(server, 'villeurbanne', 'metropole-admin'))}`;
});

afterAll(async () => {
  await server.stop();
});

async function setLocked(sub: string, isLocked: boolean): Promise<void> {
  const path = `/accounts/${sub}/${isLocked ? 'lock' : 'unlock'}`;
  const response = await request(server.server).post(`${ADMIN_PREFIX}${path}`).set('Authorization', adminBearer);
  expectConformant(document, 'POST', path, response.status, response.body);
  expect([response.status, response.body.locked]).toEqual([200, isLocked]);
}

/** Signs in at `at` in `browser` (logging in if asked); answers the site's configuration and tokens. */
async function signInAt(at: TestClient, browser: UserAgent, citizen?: { email: string; password: string }) {
  const config = await discover(server.issuer, at);
  const attempt = await startAuthorization(config, at);
  return { config, tokens: await exchange(config, attempt, await signIn(browser, attempt, citizen)) };
}

/** Submits the login form of a fresh browser with these credentials; answers the page it stays on. */
async function refusedLogin(email: string, password: string): Promise<Page> {
  const agent = new UserAgent(server.issuer);
  const attempt = await startAuthorization(await discover(server.issuer, site), site);
  const login = await agent.navigate(attempt.url);
  if (!isPage(login)) throw new Error('expected the login page');
  const result = await agent.submit(login, { email, password });
  if (!isPage(result)) throw new Error(`the login let the browser through to ${result.leftTo}`);
  return result;
}

describe('locking an account', () => {
  it('refuses its sign-in with the very page a wrong password gets: 401, same message', async () => {
    const citizen = await anAccount(server.accounts);
    await setLocked(citizen.id, true);
    const locked = await refusedLogin(citizen.email, citizen.password);
    const wrong = await refusedLogin(citizen.email, 'not the right password at all');
    expect(locked.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(locked.html).toContain('Adresse électronique ou mot de passe incorrect.');
    expect(textOf(locked)).toBe(textOf(wrong));
  });

  it('stops the refresh token and the access token it already held', async () => {
    const citizen = await anAccount(server.accounts);
    const { config, tokens } = await signInAt(site, new UserAgent(server.issuer), citizen);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    await setLocked(citizen.id, true);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('does not let an open session through to another site', async () => {
    const citizen = await anAccount(server.accounts);
    const browser = new UserAgent(server.issuer);
    await signInAt(site, browser, citizen);
    await setLocked(citizen.id, true);
    const attempt = await startAuthorization(await discover(server.issuer, otherSite), otherSite);
    const result = await browser.navigate(attempt.url);
    expect(isPage(result) && result.html.includes('name="password"')).toBe(true);
  });

  it('takes the operators\' API away from a locked operator at once', async () => {
    const operator = await anAccount(server.accounts);
    await operatorsOf(server).grant({ email: operator.email }, 'commune-referent', ['villeurbanne'], { actor: 'test' });
    const tool = await aClient(server.registry, 'villeurbanne', { name: 'Console des opérateurs', isOperatorTool: true });
    const config = await discover(server.issuer, tool);
    const attempt = await startAuthorization(config, tool, { scope: 'openid admin', resource: adminAudienceOf(server) });
    const callback = await signIn(new UserAgent(server.issuer), attempt, operator);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: attempt.verifier, expectedState: attempt.state, expectedNonce: attempt.nonce }, { resource: adminAudienceOf(server) });
    const communes = () => request(server.server).get(`${ADMIN_PREFIX}/communes`).set('Authorization', `Bearer ${tokens.access_token}`);
    expect((await communes()).status).toBe(200);
    await setLocked(operator.id, true);
    const refused = await communes();
    expectConformant(document, 'GET', '/communes', refused.status, refused.body);
    expect(refused.status).toBe(401);
  });

  it('shows the account as locked to the Métropole, and unlocking lets it sign in again', async () => {
    const citizen = await anAccount(server.accounts);
    await setLocked(citizen.id, true);
    const path = `/accounts?email=${encodeURIComponent(citizen.email)}`;
    const found = await request(server.server).get(`${ADMIN_PREFIX}${path}`).set('Authorization', adminBearer);
    expectConformant(document, 'GET', path, found.status, found.body);
    expect(found.body.items).toEqual([expect.objectContaining({ sub: citizen.id, locked: true })]);

    await setLocked(citizen.id, false);
    const { config, tokens } = await signInAt(site, new UserAgent(server.issuer), citizen);
    expect(tokens.claims()!.sub).toEqual(expect.any(String));
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).resolves.toHaveProperty('access_token');
  });
});
