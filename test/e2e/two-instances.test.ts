// Two instances on one database, as behind a load balancer: what one changes, the other knows at once.
// Several instances need a Postgres server (LISTEN/NOTIFY between connections): the embedded database
// serves one instance, so without DATABASE_URL only the sharing of state is checked.
import request from 'supertest';
import { createLogger } from '../../src/log.js';
import { rotateKeys } from '../../src/oidc/index.js';
import { createRegistry } from '../../src/registry/index.js';
import { createSealer } from '../../src/sealing.js';
import { aClient } from '../support/builders.js';
import { eventually } from '../support/eventually.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { exchange, loginPageAt, signIn, startAuthorization, discover } from '../support/relying-party.js';
import { startInstance, TEST_SECRET_KEY, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({ communes: ['bron'], clients: { site: {} }, accounts: { citizen: {} }, operators: { admin: { role: 'metropole-admin' } } }),
);
const second = useWorld(() => startInstance(world.server.database));

describe('several instances on one database', () => {
  it('signs in on one instance and redeems the code on the other', async () => {
    const { site, citizen } = world;
    const onFirst = await discover(world.server.issuer, site);
    const attempt = await startAuthorization(onFirst, site);
    const callback = await signIn(new UserAgent(world.server.issuer), attempt, citizen);
    // The second instance has another port, hence another issuer in this test: redeem with a raw request.
    const code = new URL(callback).searchParams.get('code')!;
    const response = await request(second.server)
      .post('/token')
      .auth(site.clientId, site.clientSecret!)
      .type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: site.redirectUri, code_verifier: attempt.verifier });
    expect(response.status).toBe(200);
    expect(response.body.access_token).toEqual(expect.any(String));
    await expect(exchange(onFirst, attempt, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  const onServer = process.env.DATABASE_URL ? it : it.failing;

  onServer('stops knowing a client on every instance as soon as one disables it', async () => {
    const site = await aClient(world.server.registry, 'bron');
    const authorize = (server: TestServer) =>
      request(server.server).get(
        `/auth?client_id=${site.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(site.redirectUri)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
      );
    expect((await authorize(second)).status).toBe(303); // now cached by the second instance
    const disabled = await request(world.server.server)
      .post(`/admin/api/v1/communes/bron/clients/${site.clientId}/disable`)
      .set('Authorization', world.admin.bearer);
    expect(disabled.status).toBe(200);
    expect(await eventually(async () => (await authorize(second)).status === 400)).toBe(true);
  });

  // Communes are cached per instance (registry/commune-cache.ts): a change announced by one reaches the other.
  onServer('shows a commune’s new face on every instance as soon as one changes it, or the command line does', async () => {
    const faceOnSecond = async () => (await loginPageAt(world.site, new UserAgent(second.issuer))).html;
    expect(await faceOnSecond()).not.toContain('Ville de Bron'); // the commune is now cached by the second instance
    await world.server.registry.setCommuneIdentity('bron', { displayName: 'Ville de Bron' });
    expect(await eventually(async () => (await faceOnSecond()).includes('— Ville de Bron'))).toBe(true);
    // The command line's registry has no cache of its own, and still tells every server (glc commune set).
    const cli = createRegistry({
      db: world.server.pool,
      sealer: createSealer(TEST_SECRET_KEY),
      log: createLogger('silent'),
      cacheTtlSeconds: 0,
    });
    await cli.setCommuneIdentity('bron', { displayName: 'Bron, ville' });
    expect(await eventually(async () => (await faceOnSecond()).includes('— Bron, ville'))).toBe(true);
    expect((await loginPageAt(world.site, new UserAgent(world.server.issuer))).html).toContain('— Bron, ville');
  });

  onServer('publishes a rotated key on every instance without a restart', async () => {
    const rotation = await rotateKeys(world.server.pool, createSealer(TEST_SECRET_KEY), world.server.config);
    const published = async () =>
      ((await request(second.server).get('/jwks')).body.keys as { kid: string }[]).some((k) => k.kid === rotation.kid);
    expect(await eventually(published)).toBe(true);
  });
});
