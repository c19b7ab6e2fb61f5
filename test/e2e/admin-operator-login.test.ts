import request from 'supertest';
import { adminAudienceOf, operatorsOf } from '../support/admin.js';
import { aClient, aCommune, anAccount } from '../support/builders.js';
import { discover, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'lyon' });
  await aCommune(server.registry, { slug: 'bron' });
});

afterAll(async () => {
  await server.stop();
});

describe('an operator signs in to an administration console', () => {
  it('gets an admin token for the API from a login with the admin resource and scope', async () => {
    const referent = await anAccount(server.accounts);
    await operatorsOf(server).grant({ email: referent.email }, 'commune-referent', ['bron'], { actor: 'test' });
    const console_ = await aClient(server.registry, 'lyon', { isFirstParty: true, isOperatorTool: true });
    const config = await discover(server.issuer, console_);
    const resource = adminAudienceOf(server);
    const attempt = await startAuthorization(config, console_, { scope: 'openid admin', resource });
    const callback = await signIn(new UserAgent(server.issuer), attempt, referent);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: attempt.verifier, expectedState: attempt.state, expectedNonce: attempt.nonce,
    }, { resource });
    expect(tokens.scope).toContain('admin');

    const communes = await request(server.server).get('/admin/api/v1/communes').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(communes.status).toBe(200);
    expect(communes.body.items.map((c: { slug: string }) => c.slug)).toEqual(['bron']);
  });

  it('refuses the same login for a citizen who is not an operator', async () => {
    const citizen = await anAccount(server.accounts);
    const console_ = await aClient(server.registry, 'lyon', { isFirstParty: true, isOperatorTool: true });
    const config = await discover(server.issuer, console_);
    const resource = adminAudienceOf(server);
    const attempt = await startAuthorization(config, console_, { scope: 'openid admin', resource });
    const callback = await signIn(new UserAgent(server.issuer), attempt, citizen);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: attempt.verifier, expectedState: attempt.state, expectedNonce: attempt.nonce,
    }, { resource });
    const refused = await request(server.server).get('/admin/api/v1/communes').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('forbidden');
  });
});
