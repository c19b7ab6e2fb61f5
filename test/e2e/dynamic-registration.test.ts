import request from 'supertest';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'lyon', name: 'Ville de Lyon' },
      { slug: 'oullins', name: 'Oullins' },
    ],
    operators: { admin: { role: 'metropole-admin' } },
  }),
);

const tokenFor = async (commune: string) =>
  (await world.server.oidc.registrationTokens.issue(world.server.pool, commune, 600, 'test')).token;

describe('dynamic client registration into a commune', () => {
  it('registers a client into the commune of its initial access token, sensitive scopes pending', async () => {
    const response = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${await tokenFor('lyon')}`)
      .send({ client_name: 'Médiathèque de Lyon', redirect_uris: ['https://bm.lyon.example.org/cb'], scope: 'openid email phone' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      commune: 'lyon',
      scope: 'openid email',
      pending_scope: 'phone',
      client_secret: expect.any(String),
    });
    const stored = await world.server.registry.getClient(response.body.client_id);
    expect(stored.communeSlug).toBe('lyon');
    const pending = await world.server.registry.listScopeRequests('pending', 'all');
    expect(pending.map((r) => [r.clientId, r.scope])).toContainEqual([response.body.client_id, 'phone']);

    const read = await request(world.server.server)
      .get(new URL(response.body.registration_client_uri).pathname)
      .set('Authorization', `Bearer ${response.body.registration_access_token}`);
    expect(read.status).toBe(200);
    expect(read.body.redirect_uris).toEqual(['https://bm.lyon.example.org/cb']);
  });

  it('refuses a registration without an initial access token, and one that breaks the registry rules', async () => {
    const anonymous = await request(world.server.server)
      .post('/reg')
      .send({ redirect_uris: ['https://x.example.org/cb'] });
    expect(anonymous.status).toBe(401);
    const insecure = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${await tokenFor('oullins')}`)
      .send({ redirect_uris: ['http://oullins.example.org/cb'] });
    expect(insecure.status).toBe(400);
    expect(insecure.body.error).toBe('invalid_redirect_uri');
  });

  it('lands in the other commune with the other commune’s token', async () => {
    const response = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${await tokenFor('oullins')}`)
      .send({ redirect_uris: ['https://oullins.example.org/cb'] });
    expect(response.status).toBe(201);
    expect((await world.server.registry.getClient(response.body.client_id)).communeSlug).toBe('oullins');
  });

  it('grants a pending scope once a metropole-admin approves it', async () => {
    const registered = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${await tokenFor('lyon')}`)
      .send({ redirect_uris: ['https://etat-civil.lyon.example.org/cb'], scope: 'openid address' });
    const [pending] = (await world.server.registry.listScopeRequests('pending', 'all')).filter(
      (r) => r.clientId === registered.body.client_id,
    );
    const approved = await request(world.server.server)
      .post(`/admin/api/v1/scope-requests/${pending!.id}/approve`)
      .set('Authorization', world.admin.bearer)
      .send({});
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect((await world.server.registry.getClient(registered.body.client_id)).metadata.scope.split(' ')).toContain('address');
  });
});
