import type { TestClient } from '../support/builders.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { oidc, signInAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['oullins'],
    accounts: { citizen: {} },
    operators: { admin: { role: 'metropole-admin' }, referent: { role: 'commune-referent', communes: ['oullins'] } },
  }),
);

beforeAll(async () => {
  await world.server.accounts.selfService.updateProfile(world.citizen.id, {
    givenName: 'Jeanne',
    familyName: 'Dupont',
    phoneNumber: '+33 6 12 34 56 78',
    address: undefined,
    locale: 'fr',
    communeSlug: 'oullins',
  });
});

async function aReferentClientAskingForPhone(): Promise<TestClient & { pendingId: number }> {
  const redirectUri = `https://site-${Date.now()}.oullins.example.org/cb`;
  const created = await world.api.call(world.referent.bearer, 'POST', '/communes/oullins/clients', {
    client_name: 'Portail famille',
    redirect_uris: [redirectUri],
    scope: 'openid email phone',
  });
  expect(created.status).toBe(201);
  expect(created.body.scope).toBe('openid email');
  const pending = await world.api.call(world.referent.bearer, 'GET', '/scope-requests');
  const request_ = pending.body.items.find((r: { client_id: string }) => r.client_id === created.body.client_id);
  return {
    clientId: created.body.client_id,
    clientSecret: created.body.client_secret,
    commune: 'oullins',
    redirectUri,
    redirectUris: [redirectUri],
    pendingId: request_.id,
  };
}

/** The Métropole's decision on a pending request, made with `bearer`. */
const decide = (bearer: string, id: number, decision: 'approve' | 'refuse', body: object = {}) =>
  world.api.call(bearer, 'POST', `/scope-requests/${id}/${decision}`, body);

async function phoneOf(client: TestClient): Promise<unknown> {
  const agent = new UserAgent(world.server.issuer);
  try {
    const { config, tokens } = await signInAt(client, agent, world.citizen, { scope: 'openid phone' });
    return (await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).phone_number;
  } catch (error) {
    return (error as { error?: string }).error ?? error;
  }
}

describe('sensitive claims need the Métropole’s approval', () => {
  it('gives a referent’s client no phone number until approved, then gives it', async () => {
    const client = await aReferentClientAskingForPhone();
    expect(await phoneOf(client)).toBe('invalid_scope');
    const approved = await decide(world.admin.bearer, client.pendingId, 'approve');
    expect(approved.body).toMatchObject({ status: 'approved', scope: 'phone' });
    expect(await phoneOf(client)).toBe('+33 6 12 34 56 78');
  });

  it('keeps the phone number out after a refusal, which says why', async () => {
    const client = await aReferentClientAskingForPhone();
    expect((await decide(world.admin.bearer, client.pendingId, 'refuse')).status).toBe(400);
    const refused = await decide(world.admin.bearer, client.pendingId, 'refuse', {
      reason: 'Le téléphone n’est pas nécessaire à ce service.',
    });
    expect(refused.body).toMatchObject({ status: 'refused', reason: 'Le téléphone n’est pas nécessaire à ce service.' });
    expect(await phoneOf(client)).toBe('invalid_scope');
  });

  it('lets only a metropole-admin decide: a referent can neither approve nor refuse', async () => {
    const client = await aReferentClientAskingForPhone();
    expect((await decide(world.referent.bearer, client.pendingId, 'approve')).status).toBe(403);
    expect((await decide(world.referent.bearer, client.pendingId, 'refuse', { reason: 'Pas besoin.' })).status).toBe(403);
    const pending = await world.api.call(world.admin.bearer, 'GET', '/scope-requests');
    expect(pending.body.items.find((r: { id: number }) => r.id === client.pendingId)).toMatchObject({ status: 'pending' });
    expect(await phoneOf(client)).toBe('invalid_scope');
  });
});
