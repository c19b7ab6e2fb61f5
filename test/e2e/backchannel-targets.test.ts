// A back-channel logout URI is a URL the server itself calls: registered on a loopback, private or
// link-local address it turns the provider into a port scanner of its own network (SSH, Redis, the cloud
// metadata service). Every entry point refuses one, unless OUTBOUND_ALLOWLIST admits that host.
import request from 'supertest';
import { expectRefusal, glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld, type OidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

/** What an attacker probes: SSH and Redis on loopback, IPv6 loopback, cloud metadata, the intranet. */
const PROBES = [
  'http://127.0.0.1:22/',
  'http://[::1]/',
  'http://169.254.169.254/',
  'http://10.0.0.1/',
  'http://localhost:6379/',
  'https://10.0.0.1/',
  'https://169.254.169.254/latest/meta-data/',
  'https://[fd00::1]/',
  'https://[::ffff:127.0.0.1]/',
  'http://127.1:8080/',
  'http://redis.localhost/',
];

/** Reachable once listed (private hosts still need https: only loopback may use http). */
const ADMITTED = [
  'http://127.0.0.1:22/',
  'http://[::1]/',
  'http://localhost:6379/',
  'https://10.0.0.1/',
  'https://169.254.169.254/latest/meta-data/',
];
const ALLOW_LIST = '127.0.0.1,::1,localhost,10.0.0.0/8,169.254.169.254';

/** A provider with its own OUTBOUND_ALLOWLIST, the commune the probes register into and its admin program. */
type Entry = OidcWorld<never, never, 'admin'>;

const anEntry = (allowList: string) =>
  anOidcWorld({ communes: ['venissieux'], operators: { admin: { role: 'metropole-admin' } }, env: { OUTBOUND_ALLOWLIST: allowList } });
const strict = useWorld(() => anEntry(''));
const listed = useWorld(() => anEntry(ALLOW_LIST));

const glcAdd = ({ server }: Entry, uri: string) =>
  runGlc(
    [
      'client',
      'add',
      '--commune',
      'venissieux',
      '--name',
      'Probe',
      '--redirect-uri',
      'https://probe.example.org/cb',
      '--backchannel-logout-uri',
      uri,
      '--json',
    ],
    glcEnvOf(server),
  );

async function apiCreate({ server, admin }: Entry, uri: string) {
  return request(server.server)
    .post('/admin/api/v1/communes/venissieux/clients')
    .set('Authorization', admin.bearer)
    .send({ client_name: 'Probe', redirect_uris: ['https://probe.example.org/cb'], backchannel_logout_uri: uri });
}

async function apiUpdate({ server, admin }: Entry, uri: string) {
  const created = await request(server.server)
    .post('/admin/api/v1/communes/venissieux/clients')
    .set('Authorization', admin.bearer)
    .send({
      client_name: 'Probe',
      redirect_uris: ['https://probe.example.org/cb'],
      backchannel_logout_uri: 'https://probe.example.org/logout',
    });
  expect(created.status).toBe(201);
  return request(server.server)
    .patch(`/admin/api/v1/communes/venissieux/clients/${created.body.client_id}`)
    .set('Authorization', admin.bearer)
    .send({ backchannel_logout_uri: uri });
}

async function register({ server }: Entry, uri: string) {
  const { token } = await server.oidc.registrationTokens.issue(server.pool, 'venissieux', 600, 'test');
  return request(server.server)
    .post('/reg')
    .set('Authorization', `Bearer ${token}`)
    .send({ client_name: 'Probe', redirect_uris: ['https://probe.example.org/cb'], backchannel_logout_uri: uri });
}

/** RFC 7592: a client registered with a public receiver moves it onto the probed address. */
async function registrationUpdate(entry: Entry, uri: string) {
  const registered = await register(entry, 'https://probe.example.org/logout');
  expect(registered.status).toBe(201);
  const {
    registration_client_uri: location,
    registration_access_token: accessToken,
    client_id: clientId,
    client_secret: clientSecret,
  } = registered.body;
  return request(entry.server.server)
    .put(new URL(location).pathname)
    .set('Authorization', `Bearer ${accessToken}`)
    .send({
      client_id: clientId,
      client_secret: clientSecret,
      client_name: 'Probe',
      redirect_uris: ['https://probe.example.org/cb'],
      backchannel_logout_uri: uri,
    });
}

describe('back-channel logout URIs on loopback, private or link-local addresses, OUTBOUND_ALLOWLIST empty', () => {
  it.each(PROBES)('glc client add refuses %s with one line', async (uri) => {
    expectRefusal(await glcAdd(strict, uri), 1, /backchannel_logout_uri: .*loopback, private or link-local/);
  });

  it.each(PROBES)('the operators API refuses to create a client calling %s', async (uri) => {
    const response = await apiCreate(strict, uri);
    expect([response.status, response.body]).toEqual([
      400,
      expect.objectContaining({ error: 'uri_private_address', field: 'backchannel_logout_uri' }),
    ]);
  });

  it.each(PROBES)('the operators API refuses to point a client at %s', async (uri) => {
    const response = await apiUpdate(strict, uri);
    expect([response.status, response.body]).toEqual([
      400,
      expect.objectContaining({ error: 'uri_private_address', field: 'backchannel_logout_uri' }),
    ]);
  });

  it.each(PROBES)('dynamic registration (/reg) refuses %s with invalid_client_metadata', async (uri) => {
    const response = await register(strict, uri);
    expect([response.status, response.body.error]).toEqual([400, 'invalid_client_metadata']);
    expect(response.body.error_description).toMatch(/backchannel_logout_uri: .*loopback, private or link-local/);
  });

  it.each(PROBES)('a registration update (RFC 7592) refuses %s with invalid_client_metadata', async (uri) => {
    const response = await registrationUpdate(strict, uri);
    expect([response.status, response.body.error]).toEqual([400, 'invalid_client_metadata']);
    expect(response.body.error_description).toMatch(/backchannel_logout_uri: .*loopback, private or link-local/);
  });
});

describe(`the same addresses once OUTBOUND_ALLOWLIST=${ALLOW_LIST} admits them`, () => {
  it.each(ADMITTED)('glc client add accepts %s', async (uri) => {
    expect(jsonOutput(await glcAdd(listed, uri))).toMatchObject({ backchannel_logout_uri: uri });
  });

  it.each(ADMITTED)('the operators API creates and updates a client calling %s', async (uri) => {
    const created = await apiCreate(listed, uri);
    expect([created.status, created.body.backchannel_logout_uri]).toEqual([201, uri]);
    const updated = await apiUpdate(listed, uri);
    expect([updated.status, updated.body.backchannel_logout_uri]).toEqual([200, uri]);
  });

  it.each(ADMITTED)('dynamic registration and its updates accept %s', async (uri) => {
    const registered = await register(listed, uri);
    expect([registered.status, registered.body.backchannel_logout_uri]).toEqual([201, uri]);
    const updated = await registrationUpdate(listed, uri);
    expect([updated.status, updated.body.backchannel_logout_uri]).toEqual([200, uri]);
  });
});
