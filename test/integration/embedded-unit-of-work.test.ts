// The same units of work on the embedded database, whose pool has one connection: anything taking a
// second connection while a transaction holds the first would wait until it timed out (a lock that revoked
// sessions inside its audit's transaction did, and so did retention mailing inside its own). A
// representative change set runs to its end there, each change with its audit row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { issueCommuneToken } from '../../src/services/index.js';
import { aClient, anAccount, type TestClient } from '../support/builders.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { freePort, TEST_SECRET_KEY } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

const API = '/admin/api/v1';
const DAY_MS = 86_400_000;
const dataDir = mkdtempSync(join(tmpdir(), 'glc-embedded-unit-'));
let server: RunningServer;
let issuer: string;

beforeAll(async () => {
  const port = await freePort();
  // No DATABASE_URL: the embedded Postgres under DATA_DIR, one connection.
  const config = loadConfig({
    PORT: String(port),
    DATA_DIR: dataDir,
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'silent',
    OUTBOUND_ALLOWLIST: '127.0.0.1,localhost',
  });
  issuer = config.issuer;
  server = await startServer(config, createLogger('silent'));
}, 60_000);

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function bearerOf(program: TestClient): Promise<string> {
  const tokens = await oidc.clientCredentialsGrant(await discover(issuer, program), { scope: 'admin', resource: `${issuer}${API}` });
  return `Bearer ${tokens.access_token}`;
}

it('runs a change set to its end on the embedded database, every change with its audit row', async () => {
  expect(server.pool.options.max).toBe(1);
  await server.registry.addCommune({ slug: 'metropole-ops', name: 'Métropole' });
  const program = await aClient(server.registry, 'metropole-ops', {
    grantTypes: ['client_credentials'],
    redirectUris: [],
    scope: 'openid',
  });
  await server.operators.grant({ clientId: program.clientId }, 'metropole-admin', [], { actor: 'test' });
  const bearer = await bearerOf(program);
  const api = (method: 'post' | 'patch', path: string, body: object = {}) =>
    request(server.server)[method](`${API}${path}`).set('Authorization', bearer).send(body);

  expect((await api('post', '/communes', { slug: 'rillieux', name: 'Rillieux-la-Pape' })).status).toBe(201);
  const site = await api('post', '/communes/rillieux/clients', {
    client_name: 'rillieux.fr',
    redirect_uris: ['https://rillieux.example.org/cb'],
  });
  expect(site.status).toBe(201);
  expect((await api('patch', `/communes/rillieux/clients/${site.body.client_id}`, { client_name: 'Ville de Rillieux' })).status).toBe(200);
  expect((await server.registry.findProviderClient(site.body.client_id))?.client_name).toBe('Ville de Rillieux');
  const referent = await aClient(server.registry, 'rillieux', { grantTypes: ['client_credentials'], redirectUris: [], scope: 'openid' });
  expect(
    (await api('post', '/operators/grant', { client_id: referent.clientId, role: 'commune-referent', communes: ['rillieux'] })).status,
  ).toBe(200);

  // A citizen signed in at the site, then locked: the revocation follows the lock's commit.
  const citizen = await anAccount(server.accounts);
  const client: TestClient = {
    clientId: site.body.client_id,
    clientSecret: site.body.client_secret,
    commune: 'rillieux',
    redirectUri: 'https://rillieux.example.org/cb',
    redirectUris: ['https://rillieux.example.org/cb'],
  };
  const config = await discover(issuer, client);
  const attempt = await startAuthorization(config, client);
  const tokens = await exchange(config, attempt, await signIn(new UserAgent(issuer), attempt, citizen));
  expect((await api('post', `/accounts/${citizen.id}/lock`, { reason: 'demande de l’habitant' })).status).toBe(200);
  expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  expect(await server.oidc.citizen.listSessions(citizen.id)).toEqual([]);

  const { token } = await issueCommuneToken(
    server.pool,
    server.oidc.registrationTokens,
    { actor: 'test', label: 'embedded' },
    'rillieux',
    600,
  );
  const registered = await request(server.server)
    .post('/reg')
    .set('Authorization', `Bearer ${token}`)
    .send({ client_name: 'Médiathèque', redirect_uris: ['https://bm.rillieux.example.org/cb'] });
  expect(registered.status).toBe(201);

  const leaving = await anAccount(server.accounts);
  await server.changes.deleteAccount(leaving.id, leaving.password);
  expect(await server.accounts.findById(leaving.id)).toBeUndefined();
  const report = await server.retention.run(
    new Date(Date.now() + (server.config.retention.inactiveAccountDays - server.config.retention.firstWarningDaysBefore) * DAY_MS),
  );
  expect(report.firstWarnings).toBeGreaterThan(0);

  const actions = (await server.operators.readAudit(new Date(0), 'cli')).map((entry) => entry.action);
  expect(actions).toEqual(
    expect.arrayContaining([
      'commune.created',
      'client.created',
      'client.updated',
      'operator.grant',
      'account.locked',
      'commune.registration_token_issued',
      'client.registered',
    ]),
  );
}, 120_000);
