import request from 'supertest';
import { adminToken } from '../support/admin.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon', 'oullins'],
    operators: { admin: { role: 'metropole-admin' }, referent: { commune: 'oullins', role: 'commune-referent', communes: ['oullins'] } },
  }),
);

describe('the operators API', () => {
  it('lets a metropole-admin program create a client in a commune, and a referent see only its commune', async () => {
    const created = await request(world.server.server)
      .post('/admin/api/v1/communes/oullins/clients')
      .set('Authorization', world.admin.bearer)
      .send({ client_name: 'oullins.fr', redirect_uris: ['https://www.oullins.fr/cb'] });
    expect(created.status).toBe(201);
    expect(created.body.client_secret).toEqual(expect.any(String));

    const mine = await request(world.server.server).get('/admin/api/v1/communes').set('Authorization', world.referent.bearer);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((c: { slug: string }) => c.slug)).toEqual(['oullins']);
    const theirs = await request(world.server.server)
      .get('/admin/api/v1/communes/lyon/clients')
      .set('Authorization', world.referent.bearer);
    expect(theirs.status).toBe(403);
    expect(theirs.body.error).toBe('forbidden');
    const none = await request(world.server.server).get('/admin/api/v1/communes');
    expect(none.status).toBe(401);
    const otherAudience = await request(world.server.server)
      .get('/admin/api/v1/communes')
      .set('Authorization', `Bearer ${await adminToken(world.server, world.admin, null)}`);
    expect(otherAudience.status).toBe(401);
  });
});
