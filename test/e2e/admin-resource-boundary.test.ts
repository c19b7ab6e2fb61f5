// The trust boundary between commune sites and the operators' API, tried as an attacker: a site that an
// operator signs in to must never come away with a token that opens the API, whichever way it asks.
import request from 'supertest';
import { adminAudienceOf, adminToken, anOperatorClient, operatorsOf, operatorTokensAt, secondFactorOf } from '../support/admin.js';
import { aClient, type TestClient } from '../support/builders.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { pageAt, textOf } from '../support/account-space.js';
import { discover, exchange, signIn, signInAt, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['lyon', 'oullins'], accounts: { operator: {} } }));
const resource = () => adminAudienceOf(world.server);

beforeAll(async () => {
  await operatorsOf(world.server).grant({ email: world.operator.email }, 'metropole-admin', [], { actor: 'test' });
});

const apiStatus = async (token: string) =>
  (await request(world.server.server).get('/admin/api/v1/communes').set('Authorization', `Bearer ${token}`)).status;

/**
 * Runs the code flow as the site would, the operator signing in; answers the error the flow ended with, or
 * the status the operators' API gave to the access token the site obtained.
 */
async function siteTriesForAdminToken(site: TestClient, agent: UserAgent, extra: Record<string, string>, tokenResource?: string) {
  const config = await discover(world.server.issuer, site);
  const attempt = await startAuthorization(config, site, { scope: 'openid admin', ...extra });
  let callback: string;
  try {
    callback = await signIn(agent, attempt, world.operator);
  } catch (error) {
    return { error: (error as Error).message };
  }
  const error = new URL(callback).searchParams.get('error');
  if (error) return { error };
  try {
    const tokens = await exchange(config, attempt, callback, tokenResource ? { resource: tokenResource } : undefined);
    return { apiStatus: await apiStatus(tokens.access_token) };
  } catch (error) {
    return { error: (error as { error?: string }).error ?? (error as Error).message };
  }
}

describe('a commune site asking for the operators’ API', () => {
  it('gets invalid_target when it asks the admin resource at authorization, while an operator signs in', async () => {
    const site = await aClient(world.server.registry, 'oullins');
    const outcome = await siteTriesForAdminToken(site, new UserAgent(world.server.issuer), { resource: resource() }, resource());
    expect(outcome).toEqual({ error: 'invalid_target' });
  });

  it('gets no admin token by adding the resource only at the token endpoint', async () => {
    const site = await aClient(world.server.registry, 'oullins');
    const outcome = await siteTriesForAdminToken(site, new UserAgent(world.server.issuer), {}, resource());
    expect(outcome).not.toEqual({ apiStatus: 200 });
    expect(outcome).toEqual({ error: 'invalid_target' });
  });

  it('gets invalid_target with prompt=none once the operator has signed in to it', async () => {
    const site = await aClient(world.server.registry, 'oullins');
    const agent = new UserAgent(world.server.issuer);
    await signInAt(site, agent, world.operator);
    const outcome = await siteTriesForAdminToken(site, agent, { resource: resource(), prompt: 'none' }, resource());
    expect(outcome).toEqual({ error: 'invalid_target' });
  });

  it('gets invalid_target as a first-party site, which skips consent for identity scopes only', async () => {
    const site = await aClient(world.server.registry, 'lyon', { isFirstParty: true });
    const outcome = await siteTriesForAdminToken(site, new UserAgent(world.server.issuer), { resource: resource() }, resource());
    expect(outcome).toEqual({ error: 'invalid_target' });
  });

  it('gets invalid_target with client credentials when the site is no operator', async () => {
    const service = await aClient(world.server.registry, 'oullins', {
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scope: 'openid',
    });
    await expect(adminToken(world.server, service)).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('gets invalid_target as a dynamically registered client claiming to be first-party or an operator tool', async () => {
    const { token } = await world.server.oidc.registrationTokens.issue(world.server.pool, 'oullins', 600, 'test');
    const registered = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${token}`)
      .send({
        redirect_uris: ['https://attaquant.example.org/cb'],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        scope: 'openid profile',
        first_party: true,
        operator_tool: true,
      });
    expect(registered.status).toBe(201);
    expect(registered.body.first_party).not.toBe(true);
    expect(registered.body.operator_tool).not.toBe(true);
    const site: TestClient = {
      clientId: registered.body.client_id,
      clientSecret: registered.body.client_secret,
      commune: 'oullins',
      redirectUri: 'https://attaquant.example.org/cb',
      redirectUris: ['https://attaquant.example.org/cb'],
    };
    expect(await siteTriesForAdminToken(site, new UserAgent(world.server.issuer), { resource: resource() }, resource())).toEqual({
      error: 'invalid_target',
    });
    await expect(adminToken(world.server, site)).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('shows nothing it did not grant: the consent page never offers the admin scope', async () => {
    const site = await aClient(world.server.registry, 'oullins');
    const config = await discover(world.server.issuer, site);
    const attempt = await startAuthorization(config, site, { scope: 'openid profile admin' });
    const agent = new UserAgent(world.server.issuer);
    const secondFactor = await secondFactorOf(world.server, world.operator.email);
    const step = await agent.submit(await pageAt(agent, attempt.url), {
      email: world.operator.email,
      password: world.operator.password,
    });
    if (!isPage(step)) throw new Error('expected the second factor');
    const consent = await agent.submit(step, { code: secondFactor() });
    if (!isPage(consent)) throw new Error('expected the consent page');
    expect(consent.html).toContain('value="allow"');
    expect(textOf(consent)).not.toMatch(/\badmin\b/);
    expect(consent.html).not.toContain(resource());
    const tokens = await exchange(config, attempt, await signIn(agent, attempt, world.operator));
    expect((tokens.scope ?? '').split(' ')).not.toContain('admin');
  });
});

describe('the operators’ API behind its own boundary', () => {
  it('refuses a token with its audience and scope when the token’s client is not an operator tool', async () => {
    const site = await aClient(world.server.registry, 'oullins');
    const provider = world.server.oidc.provider();
    const client = await provider.Client.find(site.clientId);
    const grant = new provider.Grant({ accountId: world.operator.id, clientId: site.clientId });
    grant.addResourceScope(resource(), 'admin');
    const grantId = await grant.save();
    // A token as the library would mint it if any path let the site through (a bug, an old token).
    const forged = new provider.AccessToken({
      accountId: world.operator.id,
      client: client!,
      grantId,
      scope: 'admin',
      resourceServer: { audience: resource(), scope: 'admin', accessTokenFormat: 'opaque' },
    } as never);
    const value = await forged.save();
    expect(await apiStatus(value)).toBe(401);
  });

  it('opens to an operator signing in through an operator tool', async () => {
    const tool = await aClient(world.server.registry, 'lyon', { isFirstParty: true, isOperatorTool: true });
    const tokens = await operatorTokensAt(world.server, tool, world.operator);
    expect(await apiStatus(tokens.access_token)).toBe(200);
  });

  it('shows the API on the consent page of an operator tool that is not first-party before granting it', async () => {
    const tool = await aClient(world.server.registry, 'lyon', { isOperatorTool: true });
    const config = await discover(world.server.issuer, tool);
    const attempt = await startAuthorization(config, tool, { scope: 'openid admin', resource: resource() });
    const agent = new UserAgent(world.server.issuer);
    const secondFactor = await secondFactorOf(world.server, world.operator.email);
    const step = await agent.submit(await pageAt(agent, attempt.url), {
      email: world.operator.email,
      password: world.operator.password,
    });
    if (!isPage(step)) throw new Error('expected the second factor');
    const consent = await agent.submit(step, { code: secondFactor() });
    if (!isPage(consent)) throw new Error('expected the consent page');
    expect(consent.html).toContain(`agir en votre nom auprès de ${resource()} (admin)`);
    const callback = await agent.submit(consent, { decision: 'allow' });
    if (isPage(callback)) throw new Error('expected the callback');
    const tokens = await exchange(config, attempt, callback.leftTo, { resource: resource() });
    expect(await apiStatus(tokens.access_token)).toBe(200);
  });

  it('opens to a program that glc operator grant --client made an operator', async () => {
    const program = await anOperatorClient(world.server, 'lyon', 'metropole-admin');
    expect(await apiStatus(await adminToken(world.server, program))).toBe(200);
  });
});

describe('first-party clients', () => {
  it('may not be created by a commune referent through the API', async () => {
    const referentProgram = await anOperatorClient(world.server, 'oullins', 'commune-referent', ['oullins']);
    const token = await adminToken(world.server, referentProgram);
    const created = await request(world.server.server)
      .post('/admin/api/v1/communes/oullins/clients')
      .set('Authorization', `Bearer ${token}`)
      .send({ client_name: 'faux portail', redirect_uris: ['https://portail.example.org/cb'], first_party: true });
    expect(created.status).toBe(403);
    expect(created.body).toMatchObject({ error: 'forbidden', field: 'first_party' });
    expect((await world.server.registry.listClients('oullins')).map((c) => c.name)).not.toContain('faux portail');
  });

  it('may not be created by a syndicate operator through the API', async () => {
    const syndicate = await anOperatorClient(world.server, 'oullins', 'syndicate-operator', ['oullins', 'lyon']);
    const created = await request(world.server.server)
      .post('/admin/api/v1/communes/lyon/clients')
      .set('Authorization', `Bearer ${await adminToken(world.server, syndicate)}`)
      .send({ client_name: 'autre portail', redirect_uris: ['https://autre.example.org/cb'], first_party: true });
    expect(created.status).toBe(403);
  });

  it('may be created by a metropole-admin', async () => {
    const admin = await anOperatorClient(world.server, 'lyon', 'metropole-admin');
    const created = await request(world.server.server)
      .post('/admin/api/v1/communes/lyon/clients')
      .set('Authorization', `Bearer ${await adminToken(world.server, admin)}`)
      .send({ client_name: 'portail de la Métropole', redirect_uris: ['https://portail.grandlyon.example.org/cb'], first_party: true });
    expect(created.status).toBe(201);
    expect(created.body.first_party).toBe(true);
  });
});
