// Two instances on one database, as behind a load balancer: what one changes, the other knows at once.
// Several instances need a Postgres server (LISTEN/NOTIFY between connections): the embedded database
// serves one instance, so without DATABASE_URL only the sharing of state is checked.
import request from 'supertest';
import { rotateKeys } from '../../src/oidc/index.js';
import { createSealer } from '../../src/sealing.js';
import { adminToken, anOperatorClient } from '../support/admin.js';
import { aClient, aCommune, anAccount } from '../support/builders.js';
import { discover, exchange, signIn, startAuthorization } from '../support/relying-party.js';
import { startInstance, startTestServer, TEST_SECRET_KEY, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  first = await startTestServer();
  second = await startInstance(first.database);
  await aCommune(first.registry, { slug: 'bron' });
});

afterAll(async () => {
  await second.stop();
  await first.stop();
});

async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('several instances on one database', () => {
  it('signs in on one instance and redeems the code on the other', async () => {
    const site = await aClient(first.registry, 'bron');
    const citizen = await anAccount(first.accounts);
    const onFirst = await discover(first.issuer, site);
    const attempt = await startAuthorization(onFirst, site);
    const callback = await signIn(new UserAgent(first.issuer), attempt, citizen);
    // The second instance has another port, hence another issuer in this test: redeem with a raw request.
    const code = new URL(callback).searchParams.get('code')!;
    const response = await request(second.server).post('/token')
      .auth(site.clientId, site.clientSecret!)
      .type('form').send({ grant_type: 'authorization_code', code, redirect_uri: site.redirectUri, code_verifier: attempt.verifier });
    expect(response.status).toBe(200);
    expect(response.body.access_token).toEqual(expect.any(String));
    await expect(exchange(onFirst, attempt, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  const onServer = process.env.DATABASE_URL ? it : it.failing;

  onServer('stops knowing a client on every instance as soon as one disables it', async () => {
    const site = await aClient(first.registry, 'bron');
    const authorize = (server: TestServer) => request(server.server)
      .get(`/auth?client_id=${site.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(site.redirectUri)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`);
    expect((await authorize(second)).status).toBe(303); // now cached by the second instance
    const admin = await anOperatorClient(first, 'bron', 'metropole-admin');
    const disabled = await request(first.server).post(`/admin/api/v1/communes/bron/clients/${site.clientId}/disable`)
      .set('Authorization', `Bearer ${await adminToken(first, admin)}`);
    expect(disabled.status).toBe(200);
    expect(await eventually(async () => (await authorize(second)).status === 400)).toBe(true);
  });

  onServer('publishes a rotated key on every instance without a restart', async () => {
    const rotation = await rotateKeys(first.pool, createSealer(TEST_SECRET_KEY), first.config);
    const published = async () => ((await request(second.server).get('/jwks')).body.keys as { kid: string }[]).some((k) => k.kid === rotation.kid);
    expect(await eventually(published)).toBe(true);
  });
});
