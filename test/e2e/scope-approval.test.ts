import request from 'supertest';
import { adminToken, anOperatorClient } from '../support/admin.js';
import { aCommune, anAccount, type TestClient } from '../support/builders.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

let server: TestServer;
let adminBearer: string;
let referentBearer: string;
let citizen: Awaited<ReturnType<typeof anAccount>>;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'oullins' });
  adminBearer = `Bearer ${await adminToken(server, await anOperatorClient(server, 'oullins', 'metropole-admin'))}`;
  referentBearer = `Bearer ${await adminToken(server, await anOperatorClient(server, 'oullins', 'commune-referent', ['oullins']))}`;
  citizen = await anAccount(server.accounts);
  await server.accounts.selfService.updateProfile(citizen.id, {
    givenName: 'Jeanne', familyName: 'Dupont', phoneNumber: '+33 6 12 34 56 78', address: undefined, locale: 'fr', communeSlug: 'oullins',
  });
});

afterAll(async () => {
  await server.stop();
});

async function aReferentClientAskingForPhone(): Promise<TestClient & { pendingId: number }> {
  const redirectUri = `https://site-${Date.now()}.oullins.example.org/cb`;
  const created = await request(server.server).post('/admin/api/v1/communes/oullins/clients').set('Authorization', referentBearer)
    .send({ client_name: 'Portail famille', redirect_uris: [redirectUri], scope: 'openid email phone' });
  expect(created.status).toBe(201);
  expect(created.body.scope).toBe('openid email');
  const pending = await request(server.server).get('/admin/api/v1/scope-requests').set('Authorization', referentBearer);
  const request_ = pending.body.items.find((r: { client_id: string }) => r.client_id === created.body.client_id);
  return { clientId: created.body.client_id, clientSecret: created.body.client_secret, commune: 'oullins', redirectUri, redirectUris: [redirectUri], pendingId: request_.id };
}

async function phoneOf(client: TestClient): Promise<unknown> {
  const config = await discover(server.issuer, client);
  const attempt = await startAuthorization(config, client, { scope: 'openid phone' });
  const callback = await signIn(new UserAgent(server.issuer), attempt, citizen);
  const error = new URL(callback).searchParams.get('error');
  if (error) return error;
  const tokens = await exchange(config, attempt, callback);
  return (await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).phone_number;
}

describe('sensitive claims need the Métropole’s approval', () => {
  it('gives a referent’s client no phone number until approved, then gives it', async () => {
    const client = await aReferentClientAskingForPhone();
    expect(await phoneOf(client)).toBe('invalid_scope');
    const approved = await request(server.server).post(`/admin/api/v1/scope-requests/${client.pendingId}/approve`).set('Authorization', adminBearer).send({});
    expect(approved.body).toMatchObject({ status: 'approved', scope: 'phone' });
    expect(await phoneOf(client)).toBe('+33 6 12 34 56 78');
  });

  it('keeps the phone number out after a refusal, which says why', async () => {
    const client = await aReferentClientAskingForPhone();
    const noReason = await request(server.server).post(`/admin/api/v1/scope-requests/${client.pendingId}/refuse`).set('Authorization', adminBearer).send({});
    expect(noReason.status).toBe(400);
    const refused = await request(server.server).post(`/admin/api/v1/scope-requests/${client.pendingId}/refuse`).set('Authorization', adminBearer)
      .send({ reason: 'Le téléphone n’est pas nécessaire à ce service.' });
    expect(refused.body).toMatchObject({ status: 'refused', reason: 'Le téléphone n’est pas nécessaire à ce service.' });
    expect(await phoneOf(client)).toBe('invalid_scope');
  });

  it('lets only a metropole-admin decide', async () => {
    const client = await aReferentClientAskingForPhone();
    const byReferent = await request(server.server).post(`/admin/api/v1/scope-requests/${client.pendingId}/approve`).set('Authorization', referentBearer).send({});
    expect(byReferent.status).toBe(403);
  });
});
