// Who may call what on the operators' API: every route × every kind of caller → the expected status, and
// every answer as the OpenAPI document describes it. A route missing from the matrix fails the suite.
import { createAdminRouters, listAdminRoutes, type AdminDeps } from '../../src/admin/router.js';
import { adminToken, anOperatorClient } from '../support/admin.js';
import { aClient, anAccount } from '../support/builders.js';
import { anOidcWorld } from '../support/oidc-world.js';
import type { ApiMethod } from '../support/openapi.js';
import { storedIdOf } from '../support/stored-payloads.js';
import { useWorld } from '../support/world.js';

const CALLERS = [
  'no token',
  'expired token',
  'token for another audience',
  'operator tool without a role',
  'metropole-admin',
  'referent of Oullins',
  'SITIV syndicate',
] as const;
type Caller = (typeof CALLERS)[number];
type Statuses = Record<Caller, number>;
/** Where the request points: no commune, the caller's own commune, or Lyon (which neither referent nor syndicate manages). */
type Target = 'no commune' | 'own commune' | 'lyon';

const HOME: Record<Caller, string> = {
  'no token': 'oullins',
  'expired token': 'oullins',
  'token for another audience': 'oullins',
  'operator tool without a role': 'oullins',
  'metropole-admin': 'oullins',
  'referent of Oullins': 'oullins',
  'SITIV syndicate': 'vaulx-en-velin',
};

const refused = { 'no token': 401, 'expired token': 401, 'token for another audience': 401, 'operator tool without a role': 403 };
const everyOperator = (status: number): Statuses => ({
  ...refused,
  'metropole-admin': status,
  'referent of Oullins': status,
  'SITIV syndicate': status,
});
const adminOnly = (status: number): Statuses => ({
  ...refused,
  'metropole-admin': status,
  'referent of Oullins': 403,
  'SITIV syndicate': 403,
});
/** A change over Oullins: the Métropole and Oullins' referent may make it, the SITIV syndicate may not. */
const oullinsOnly = (status: number): Statuses => ({ ...everyOperator(status), 'SITIV syndicate': 403 });
const communeScoped = (status: number): Partial<Record<Target, Statuses>> => ({
  'own commune': everyOperator(status),
  lyon: adminOnly(status),
});

const MATRIX: Record<string, Partial<Record<Target, Statuses>>> = {
  'GET /communes': { 'no commune': everyOperator(200) },
  'POST /communes': { 'no commune': adminOnly(201) },
  'GET /communes/{slug}': communeScoped(200),
  'PATCH /communes/{slug}': { 'own commune': adminOnly(200), lyon: adminOnly(200) },
  'PATCH /communes/{slug}/identity': communeScoped(200),
  'POST /communes/{slug}/logo': communeScoped(200),
  'DELETE /communes/{slug}/logo': communeScoped(200),
  'GET /communes/{slug}/clients': communeScoped(200),
  'POST /communes/{slug}/clients': communeScoped(201),
  'GET /communes/{slug}/clients/{clientId}': communeScoped(200),
  'PATCH /communes/{slug}/clients/{clientId}': communeScoped(200),
  'DELETE /communes/{slug}/clients/{clientId}': communeScoped(204),
  'POST /communes/{slug}/clients/{clientId}/disable': communeScoped(200),
  'POST /communes/{slug}/clients/{clientId}/enable': communeScoped(200),
  'POST /communes/{slug}/clients/{clientId}/secret': communeScoped(200),
  'POST /communes/{slug}/registration-tokens': communeScoped(201),
  // Each operator lists the operators of its communes (operator-grant-scope.test.ts says what each sees).
  'GET /operators': { 'no commune': everyOperator(200) },
  // Roles are handed down within one's communes: commune-referent over Oullins is the referent's to give, not
  // the syndicate's (operator-grant-scope.test.ts has the other refusals).
  'POST /operators/grant': { 'no commune': oullinsOnly(200) },
  'POST /operators/revoke': { 'no commune': oullinsOnly(200) },
  // The help desk: the Métropole and counter agents (none in this matrix: console-help-desk and admin-account-lock have them).
  'GET /accounts': { 'no commune': adminOnly(200) },
  'POST /accounts/{sub}/verification-mail': { 'no commune': adminOnly(202) },
  'POST /accounts/{sub}/lock': { 'no commune': adminOnly(200) },
  'POST /accounts/{sub}/unlock': { 'no commune': adminOnly(200) },
  // Only counter agents of the commune issue its counter codes: no caller of this matrix is one (counter-recovery.test.ts has them).
  'POST /counter-codes': { 'no commune': adminOnly(403) },
  'GET /audit': { 'no commune': everyOperator(200) },
  'GET /reports/usage': { 'no commune': everyOperator(200) },
  'GET /reports/contributions': { 'no commune': everyOperator(200) },
  'GET /scope-requests': { 'no commune': everyOperator(200) },
  'POST /scope-requests/{id}/approve': { 'own commune': adminOnly(200) },
  'POST /scope-requests/{id}/refuse': { 'own commune': adminOnly(200) },
};

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon', 'oullins', 'vaulx-en-velin', 'givors'],
    operators: {
      admin: { role: 'metropole-admin' },
      referent: { commune: 'oullins', role: 'commune-referent', communes: ['oullins'] },
      syndicate: { commune: 'vaulx-en-velin', role: 'syndicate-operator', communes: ['vaulx-en-velin', 'givors'] },
    },
  }),
);
const tokens = new Map<Caller, string>();

interface Call {
  path: string;
  body?: object;
}

const aSite = async (commune: string) =>
  (await aClient(world.server.registry, commune, { redirectUris: [`https://site-${commune}.example.org/cb`] })).clientId;

/** A site of `commune` whose referent asked for the phone scope: a request waiting for the Métropole. */
async function aPendingRequest(commune: string): Promise<number> {
  const { client } = await world.server.registry.addClient(
    commune,
    { name: 'Téléservice', redirectUris: ['https://teleservice.example.org/cb'], scope: 'openid phone' },
    { mayGrantSensitive: false, requestedBy: 'test' },
  );
  return (await world.server.registry.listScopeRequests('pending', 'all')).find((r) => r.clientId === client.clientId)!.id;
}

/** A citizen who has not yet followed the verification link. */
const anUnverifiedAccount = () =>
  world.server.accounts.register({
    email: `non-verifie-${Math.random().toString(36).slice(2, 10)}@example.org`,
    password: 'une phrase de passe assez longue',
    givenName: 'Jeanne',
    familyName: 'Dupont',
    emailVerified: false,
  });

/** A request for each route, against fresh fixtures of `commune` so that every cell of the matrix stands alone. */
const REQUESTS: Record<string, (commune: string) => Promise<Call>> = {
  'GET /communes': async () => ({ path: '/communes' }),
  'POST /communes': async () => ({
    path: '/communes',
    body: { slug: `commune-${Math.random().toString(36).slice(2, 10)}`, name: 'Nouvelle commune' },
  }),
  'GET /communes/{slug}': async (commune) => ({ path: `/communes/${commune}` }),
  'PATCH /communes/{slug}': async (commune) => ({ path: `/communes/${commune}`, body: { population: 26_000 } }),
  'PATCH /communes/{slug}/identity': async (commune) => ({ path: `/communes/${commune}/identity`, body: { color: '#0B4F9C' } }),
  // A 1×1 lossless WebP.
  'POST /communes/{slug}/logo': async (commune) => ({
    path: `/communes/${commune}/logo`,
    body: { image_base64: 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==' },
  }),
  'DELETE /communes/{slug}/logo': async (commune) => ({ path: `/communes/${commune}/logo` }),
  'GET /communes/{slug}/clients': async (commune) => ({ path: `/communes/${commune}/clients` }),
  'POST /communes/{slug}/clients': async (commune) => ({
    path: `/communes/${commune}/clients`,
    body: { client_name: 'Démarches', redirect_uris: ['https://demarches.example.org/cb'] },
  }),
  'GET /communes/{slug}/clients/{clientId}': async (commune) => ({ path: `/communes/${commune}/clients/${await aSite(commune)}` }),
  'PATCH /communes/{slug}/clients/{clientId}': async (commune) => ({
    path: `/communes/${commune}/clients/${await aSite(commune)}`,
    body: { client_name: 'Renommé' },
  }),
  'DELETE /communes/{slug}/clients/{clientId}': async (commune) => ({ path: `/communes/${commune}/clients/${await aSite(commune)}` }),
  'POST /communes/{slug}/clients/{clientId}/disable': async (commune) => ({
    path: `/communes/${commune}/clients/${await aSite(commune)}/disable`,
  }),
  'POST /communes/{slug}/clients/{clientId}/enable': async (commune) => ({
    path: `/communes/${commune}/clients/${await aSite(commune)}/enable`,
  }),
  'POST /communes/{slug}/clients/{clientId}/secret': async (commune) => ({
    path: `/communes/${commune}/clients/${await aSite(commune)}/secret`,
  }),
  'POST /communes/{slug}/registration-tokens': async (commune) => ({ path: `/communes/${commune}/registration-tokens`, body: {} }),
  'GET /operators': async () => ({ path: '/operators' }),
  'POST /operators/grant': async () => ({
    path: '/operators/grant',
    body: { client_id: await aSite('oullins'), role: 'commune-referent', communes: ['oullins'] },
  }),
  'POST /operators/revoke': async () => ({
    path: '/operators/revoke',
    body: { client_id: await aSite('oullins'), role: 'commune-referent', communes: ['oullins'] },
  }),
  'GET /accounts': async () => ({ path: `/accounts?email=${encodeURIComponent((await anAccount(world.server.accounts)).email)}` }),
  'POST /accounts/{sub}/verification-mail': async () => ({
    path: `/accounts/${(await anUnverifiedAccount()).id}/verification-mail`,
  }),
  'POST /accounts/{sub}/lock': async () => ({
    path: `/accounts/${(await anAccount(world.server.accounts)).id}/lock`,
    body: { reason: 'fraude signalée' },
  }),
  'POST /accounts/{sub}/unlock': async () => ({ path: `/accounts/${(await anAccount(world.server.accounts)).id}/unlock` }),
  'POST /counter-codes': async () => ({
    path: '/counter-codes',
    body: { email: (await anAccount(world.server.accounts)).email, commune: 'oullins' },
  }),
  'GET /audit': async () => ({ path: '/audit' }),
  'GET /reports/usage': async () => ({ path: '/reports/usage?month=2026-01' }),
  'GET /reports/contributions': async () => ({ path: '/reports/contributions?year=2019' }),
  'GET /scope-requests': async () => ({ path: '/scope-requests' }),
  'POST /scope-requests/{id}/approve': async (commune) => ({ path: `/scope-requests/${await aPendingRequest(commune)}/approve`, body: {} }),
  'POST /scope-requests/{id}/refuse': async (commune) => ({
    path: `/scope-requests/${await aPendingRequest(commune)}/refuse`,
    body: { reason: 'pas de besoin démontré' },
  }),
};

/** Sends one request with `token`, its answer checked against the served OpenAPI document. */
const sendWith = (token: string | undefined, method: string, path: string, body?: object) =>
  world.api.call(token ? `Bearer ${token}` : undefined, method as ApiMethod, path, body);

const send = (caller: Caller, method: string, path: string, body?: object) => sendWith(tokens.get(caller), method, path, body);

beforeAll(async () => {
  tokens.set('expired token', await adminToken(world.server, world.admin));
  await world.server.pool.query(`update oidc_payloads set expires_at = now() - interval '1 second' where id = $1`, [
    storedIdOf('ClientCredentials', tokens.get('expired token')!),
  ]);
  tokens.set('token for another audience', await adminToken(world.server, world.admin, null));
  // A commune site that is no operator tool gets no token at all (admin-resource-boundary.test.ts); an
  // operator tool holding no role gets one, which opens nothing.
  const toolWithoutRole = await aClient(world.server.registry, 'lyon', {
    grantTypes: ['client_credentials'],
    redirectUris: [],
    scope: 'openid',
    isOperatorTool: true,
  });
  tokens.set('operator tool without a role', await adminToken(world.server, toolWithoutRole));
  tokens.set('metropole-admin', world.admin.token);
  tokens.set('referent of Oullins', world.referent.token);
  tokens.set('SITIV syndicate', world.syndicate.token);
});

describe('the authorization matrix', () => {
  it('has an entry for every route of the API, and no entry for a route that does not exist', () => {
    const { api } = createAdminRouters(
      { issuer: 'https://glc.example', policy: world.server.config.operatorsApi } as AdminDeps,
      'https://glc.example/admin/api/v1',
      'admin',
    );
    expect(Object.keys(MATRIX).sort()).toEqual(listAdminRoutes(api));
    expect(Object.keys(REQUESTS).sort()).toEqual(listAdminRoutes(api));
  });

  describe.each(Object.keys(MATRIX))('%s', (route) => {
    const [method, template] = route.split(' ') as [string, string];
    const cells = Object.entries(MATRIX[route]!).flatMap(([target, statuses]) =>
      CALLERS.map((caller) => ({ caller, target, status: statuses[caller] })),
    );
    it.each(cells)('answers $status to $caller, in $target', async ({ caller, target, status }) => {
      const { path, body } = await REQUESTS[route]!(target === 'lyon' ? 'lyon' : HOME[caller]);
      expect(path.split('?')[0]).toMatch(new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`));
      const response = await send(caller, method, path, body);
      expect(response.status).toBe(status);
      if (status >= 400) {
        // A role change out of reach names the field at fault (role or communes), as any refusal may.
        const { field, ...refusal } = response.body as { field?: unknown };
        expect(refusal).toEqual({ error: expect.any(String), error_description: expect.any(String) });
        if (field !== undefined) expect(['role', 'communes']).toContain(field);
      }
      if (status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
    });
  });
});

describe('what the matrix means for the people behind it', () => {
  it('accepts a token until it expires, then answers invalid_token', async () => {
    const admin = await anOperatorClient(world.server, 'lyon', 'metropole-admin');
    const token = await adminToken(world.server, admin);
    expect((await sendWith(token, 'GET', '/communes')).status).toBe(200);
    await world.server.pool.query(`update oidc_payloads set expires_at = now() - interval '1 second' where id = $1`, [
      storedIdOf('ClientCredentials', token),
    ]);
    const expired = await sendWith(token, 'GET', '/communes');
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('invalid_token');
  });

  it("ends a program's access when the Métropole disables its client", async () => {
    const program = await anOperatorClient(world.server, 'lyon', 'metropole-admin');
    const token = await adminToken(world.server, program);
    expect((await sendWith(token, 'GET', '/communes')).status).toBe(200);
    expect((await send('metropole-admin', 'POST', `/communes/lyon/clients/${program.clientId}/disable`)).status).toBe(200);
    const refused = await sendWith(token, 'GET', '/communes');
    expect([refused.status, refused.body.error]).toEqual([401, 'invalid_token']);
  });

  it('refuses a referent of Oullins a Lyon client with a 403 error object, and changes nothing', async () => {
    const lyonSite = await aClient(world.server.registry, 'lyon', { name: 'lyon.fr' });
    const before = await world.server.registry.getClient(lyonSite.clientId);
    const path = `/communes/lyon/clients/${lyonSite.clientId}`;
    const attempts: [string, string, object?][] = [
      ['GET', ''],
      ['PATCH', '', { client_name: 'piraté' }],
      ['DELETE', ''],
      ['POST', '/secret'],
      ['POST', '/disable'],
    ];
    for (const [method, suffix, body] of attempts) {
      const response = await send('referent of Oullins', method, `${path}${suffix}`, body);
      expect([method, response.status, response.body.error]).toEqual([method, 403, 'forbidden']);
      expect(response.body.error_description).toContain('lyon');
    }
    // Its name, metadata, sealed secret and state, all as they were.
    expect(await world.server.registry.getClient(lyonSite.clientId)).toEqual(before);
    expect(before).toMatchObject({ name: 'lyon.fr', isEnabled: true });
  });

  it('answers a Lyon client asked under Oullins with the status and error code of an unknown client', async () => {
    const lyonSite = await aClient(world.server.registry, 'lyon');
    const misplaced = await send('referent of Oullins', 'GET', `/communes/oullins/clients/${lyonSite.clientId}`);
    const unknown = await send('referent of Oullins', 'GET', '/communes/oullins/clients/no-such-client');
    expect([misplaced.status, misplaced.body.error]).toEqual([404, 'client_not_found']);
    expect([unknown.status, unknown.body.error]).toEqual([404, 'client_not_found']);
  });

  it('shows each operator only the communes they manage', async () => {
    const slugs = async (caller: Caller) => (await send(caller, 'GET', '/communes')).body.items.map((c: { slug: string }) => c.slug);
    expect(await slugs('referent of Oullins')).toEqual(['oullins']);
    expect(await slugs('SITIV syndicate')).toEqual(['givors', 'vaulx-en-velin']);
    expect(await slugs('metropole-admin')).toEqual(expect.arrayContaining(['givors', 'lyon', 'oullins', 'vaulx-en-velin']));
  });

  it('shows each operator only the scope requests of their communes', async () => {
    await aPendingRequest('lyon');
    await aPendingRequest('oullins');
    await aPendingRequest('givors');
    const communes = async (caller: Caller) =>
      [
        ...new Set(
          (await send(caller, 'GET', '/scope-requests?status=all&limit=200')).body.items.map((r: { commune: string }) => r.commune),
        ),
      ].sort();
    expect(await communes('referent of Oullins')).toEqual(['oullins']);
    expect(await communes('SITIV syndicate')).toEqual(expect.arrayContaining(['givors']));
    expect(await communes('SITIV syndicate')).not.toEqual(expect.arrayContaining(['lyon']));
    expect(await communes('SITIV syndicate')).not.toEqual(expect.arrayContaining(['oullins']));
    expect(await communes('metropole-admin')).toEqual(expect.arrayContaining(['givors', 'lyon', 'oullins']));
  });

  it('lets the SITIV syndicate manage Givors as well as Vaulx-en-Velin, but not Oullins', async () => {
    const created = await send('SITIV syndicate', 'POST', '/communes/givors/clients', {
      client_name: 'givors.fr',
      redirect_uris: ['https://www.givors.fr/cb'],
    });
    expect(created.status).toBe(201);
    expect(created.body.commune).toBe('givors');
    expect((await send('SITIV syndicate', 'GET', '/communes/oullins/clients')).status).toBe(403);
  });
});
