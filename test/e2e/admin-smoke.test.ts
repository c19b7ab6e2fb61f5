import request from 'supertest';
import { adminToken, anOperatorClient } from '../support/admin.js';
import { aCommune } from '../support/builders.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'lyon' });
  await aCommune(server.registry, { slug: 'oullins' });
});

afterAll(async () => {
  await server.stop();
});

describe('the operators API', () => {
  it('lets a metropole-admin program create a client in a commune, and a referent see only its commune', async () => {
    const admin = await anOperatorClient(server, 'lyon', 'metropole-admin');
    const referent = await anOperatorClient(server, 'oullins', 'commune-referent', ['oullins']);
    const adminBearer = `Bearer ${await adminToken(server, admin)}`;
    const created = await request(server.server).post('/admin/api/v1/communes/oullins/clients').set('Authorization', adminBearer)
      .send({ client_name: 'oullins.fr', redirect_uris: ['https://www.oullins.fr/cb'] });
    expect(created.status).toBe(201);
    expect(created.body.client_secret).toEqual(expect.any(String));

    const referentBearer = `Bearer ${await adminToken(server, referent)}`;
    const mine = await request(server.server).get('/admin/api/v1/communes').set('Authorization', referentBearer);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((c: { slug: string }) => c.slug)).toEqual(['oullins']);
    const theirs = await request(server.server).get('/admin/api/v1/communes/lyon/clients').set('Authorization', referentBearer);
    expect(theirs.status).toBe(403);
    expect(theirs.body.error).toBe('forbidden');
    const none = await request(server.server).get('/admin/api/v1/communes');
    expect(none.status).toBe(401);
    const otherAudience = await request(server.server).get('/admin/api/v1/communes').set('Authorization', `Bearer ${await adminToken(server, admin, null)}`);
    expect(otherAudience.status).toBe(401);
  });
});
