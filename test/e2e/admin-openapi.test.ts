// The served OpenAPI 3.1 document is the contract of the operators' API: it lists exactly the routes that
// exist, says how a program gets a token, and every answer the API gives validates against it.
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { createAdminRouters, listAdminRoutes, type AdminDeps } from '../../src/admin/router.js';
import { aClient, anAccount } from '../support/builders.js';
import {
  ADMIN_PREFIX,
  documentedRoutes,
  expectConformant,
  HTTP_METHODS,
  schemaErrors,
  type ApiMethod,
  type OpenApiDocument,
  type Operation,
} from '../support/openapi.js';
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

/** One call as the metropole-admin program; its answer must be the one the document describes. */
const call = (method: ApiMethod, path: string, body?: object) => world.api.call(world.admin.bearer, method, path, body);

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)));
}

interface DescribedOperation extends Operation {
  method: string;
  path: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters: { in: string }[];
  requestBody?: { content: Record<string, { example?: unknown }> };
}

const operationsOf = (doc: OpenApiDocument): DescribedOperation[] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => (item[method] ? [{ ...(item[method] as DescribedOperation), method, path }] : [])),
  );

/** Every example the document shows, with the path of the schema it is an example of. */
function examplesOf(doc: OpenApiDocument): { where: string; schema: string[]; example: unknown }[] {
  const ofSchemas = Object.entries(doc.components.schemas).flatMap(([name, schema]) =>
    ((schema as { examples?: unknown[] }).examples ?? []).map((example) => ({
      where: name,
      schema: ['components', 'schemas', name],
      example,
    })),
  );
  const ofBodies = operationsOf(doc).flatMap(({ method, path, requestBody }) =>
    Object.entries(requestBody?.content ?? {}).flatMap(([type, media]) =>
      media.example === undefined
        ? []
        : [
            {
              where: `${method} ${path}`,
              schema: ['paths', path, method, 'requestBody', 'content', type, 'schema'],
              example: media.example,
            },
          ],
    ),
  );
  return [...ofSchemas, ...ofBodies];
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document, as a real validator of the specification reads it', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(world.api.document) as unknown as Record<string, unknown>);
    expect(result).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
  });

  it('gives each operation a summary, a description, one of its tags, and every refusal it can give', () => {
    const tags = (world.api.document as unknown as { tags: { name: string }[] }).tags.map((tag) => tag.name);
    for (const { method, path, summary, description, tags: [tag, ...more] = [], parameters, responses } of operationsOf(
      world.api.document,
    )) {
      const name = `${method.toUpperCase()} ${path}`;
      expect({ name, summary: summary?.length, description: description?.length, tag, more }).toEqual({
        name,
        summary: expect.any(Number),
        description: expect.any(Number),
        tag: expect.any(String),
        more: [],
      });
      expect({ name, isListed: tags.includes(tag!) }).toEqual({ name, isListed: true });
      const refusals = [
        '400',
        '401',
        '403',
        '500',
        '503',
        ...(method === 'get' ? [] : ['413']),
        ...(parameters.some((p) => p.in === 'path') ? ['404'] : []),
      ];
      expect({ name, statuses: Object.keys(responses) }).toEqual({ name, statuses: expect.arrayContaining(refusals) });
      for (const status of Object.keys(responses).filter((s) => Number(s) >= 400)) {
        expect({ name, status, schema: responses[status]!.content!['application/json']!.schema }).toEqual({
          name,
          status,
          schema: { $ref: '#/components/schemas/Error' },
        });
      }
    }
  });

  it('shows examples that are true: each validates against the schema it illustrates', () => {
    const examples = examplesOf(world.api.document);
    expect(examples.length).toBeGreaterThan(15);
    expect(examples.map(({ where, schema, example }) => ({ where, errors: schemaErrors(world.api.document, schema, example) }))).toEqual(
      examples.map(({ where }) => ({ where, errors: [] })),
    );
  });

  it('is served as OpenAPI 3.1 without a token, with the API under the issuer', async () => {
    const response = await request(world.server.server).get(`${ADMIN_PREFIX}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.servers).toEqual([{ url: `${world.server.issuer}/admin/api/v1` }]);
  });

  it('documents every route of the API, and no route that does not exist', () => {
    const { api } = createAdminRouters(
      { issuer: world.server.issuer, policy: world.server.config.operatorsApi } as AdminDeps,
      `${world.server.issuer}/admin/api/v1`,
      'admin',
    );
    expect(documentedRoutes(world.api.document)).toEqual(listAdminRoutes(api));
  });

  it('declares the OAuth 2 client-credentials flow with the token endpoint and the admin scope, for every operation', async () => {
    const discovery = (await request(world.server.server).get('/.well-known/openid-configuration')).body as { token_endpoint: string };
    const scheme = world.api.document.components.securitySchemes.oauth2!;
    expect(scheme.type).toBe('oauth2');
    expect(scheme.flows.clientCredentials!.tokenUrl).toBe(`${world.server.issuer}/token`);
    expect(scheme.flows.clientCredentials!.tokenUrl).toBe(discovery.token_endpoint);
    expect(Object.keys(scheme.flows.clientCredentials!.scopes)).toEqual(['admin']);
    expect(world.api.document.security).toEqual([{ oauth2: ['admin'] }]);
    const overrides = Object.values(world.api.document.paths)
      .flatMap((item) => HTTP_METHODS.map((m) => item[m]))
      .filter((operation) => operation?.security !== undefined);
    expect(overrides).toEqual([]);
  });

  it('defines every schema it refers to, and gives every operation a unique id', () => {
    const refs = [...new Set(refsIn(world.api.document))];
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(Object.keys(world.api.document.components.schemas)).toContain(ref.split('/').at(-1));
    }
    const ids = Object.values(world.api.document.paths).flatMap((item) =>
      HTTP_METHODS.flatMap((m) => (item[m] ? [item[m].operationId] : [])),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is enough for a program: the token it describes opens the API', async () => {
    const { tokenUrl } = world.api.document.components.securitySchemes.oauth2!.flows.clientCredentials!;
    const resource = world.api.document.servers[0]!.url;
    const response = await fetch(tokenUrl!, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(world.admin.clientId)}:${encodeURIComponent(world.admin.clientSecret!)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin', resource }),
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const communes = await request(world.server.server).get(`${ADMIN_PREFIX}/communes`).set('Authorization', `Bearer ${token}`);
    expect(communes.status).toBe(200);
    expectConformant(world.api.document, 'GET', '/communes', communes.status, communes.body);
  });
});

describe('every answer of the API validates against the document', () => {
  it('communes: create, read, list by pages, update, and the refusals', async () => {
    expect(
      (await call('POST', '/communes', { slug: 'bron', name: 'Bron', insee: '69029', population: 41_000, pilot: true, offer: 'global' }))
        .status,
    ).toBe(201);
    expect((await call('POST', '/communes', { slug: 'bron', name: 'Bron encore' })).status).toBe(409);
    expect((await call('POST', '/communes', { slug: 'Pas Un Slug', name: 'x' })).status).toBe(400);
    expect((await call('GET', '/communes/bron')).body).toMatchObject({ slug: 'bron', population: 41_000, pilot: true });
    expect((await call('GET', '/communes/nowhere')).status).toBe(404);
    const page = await call('GET', '/communes?limit=2&offset=1');
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1, items: [expect.any(Object), expect.any(Object)] });
    expect((await call('GET', '/communes?limit=0')).status).toBe(400);
    expect((await call('PATCH', '/communes/bron', { population: 41_500, offer: 'restricted' })).body).toMatchObject({
      population: 41_500,
      offer: 'restricted',
    });
    expect((await call('PATCH', '/communes/bron', { population: 'beaucoup' })).status).toBe(400);
  });

  it('clients: create, read, list, update, disable, enable, rotate the secret, delete, and the refusals', async () => {
    const created = await call('POST', '/communes/oullins/clients', {
      client_name: 'oullins.fr',
      redirect_uris: ['https://www.oullins.fr/cb'],
      post_logout_redirect_uris: ['https://www.oullins.fr/'],
    });
    expect(created.status).toBe(201);
    const path = `/communes/oullins/clients/${created.body.client_id}`;
    expect(
      (
        await call('POST', '/communes/oullins/clients', {
          client_name: 'app',
          redirect_uris: ['http://localhost:8080/cb'],
          token_endpoint_auth_method: 'none',
        })
      ).status,
    ).toBe(201);
    for (const [uri, problem] of [
      ['http://www.oullins.fr/cb', /https/],
      ['https://www.oullins.fr/cb#x', /fragment/],
      ['https://*.oullins.fr/cb', /wildcard/],
    ] as const) {
      const refused = await call('POST', '/communes/oullins/clients', { client_name: 'x', redirect_uris: [uri] });
      expect([refused.status, refused.body.error_description]).toEqual([400, expect.stringMatching(problem)]);
      expect(refused.body.error_description).toContain('redirect_uri');
    }
    expect((await call('GET', path)).body).toMatchObject({ client_id: created.body.client_id, commune: 'oullins', enabled: true });
    expect((await call('GET', path)).body.client_secret).toBeUndefined();
    expect((await call('GET', '/communes/oullins/clients?limit=1')).body).toMatchObject({ total: 2, items: [expect.any(Object)] });
    expect(
      (await call('PATCH', path, { redirect_uris: ['https://www.oullins.fr/callback'], client_name: 'Ville d’Oullins' })).body,
    ).toMatchObject({ client_name: 'Ville d’Oullins', redirect_uris: ['https://www.oullins.fr/callback'] });
    expect((await call('PATCH', path, { redirect_uris: ['https://www.oullins.fr/*'] })).status).toBe(400);
    expect((await call('POST', `${path}/disable`)).body.enabled).toBe(false);
    expect((await call('POST', `${path}/enable`)).body.enabled).toBe(true);
    const rotated = await call('POST', `${path}/secret`);
    expect(rotated.body.client_secret).toEqual(expect.any(String));
    expect(rotated.body.client_secret).not.toBe(created.body.client_secret);
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await call('GET', path)).status).toBe(404);
  });

  it('operators and accounts: list, grant, revoke, search, resend, lock, unlock', async () => {
    const citizen = await anAccount(world.server.accounts);
    const site = await aClient(world.server.registry, 'oullins');
    expect(
      (await call('POST', '/operators/grant', { email: citizen.email, role: 'commune-referent', communes: ['oullins'] })).body,
    ).toMatchObject({ account: citizen.id, roles: [{ role: 'commune-referent', communes: ['oullins'] }] });
    expect(
      (await call('POST', '/operators/grant', { client_id: site.clientId, role: 'syndicate-operator', communes: ['oullins', 'lyon'] }))
        .status,
    ).toBe(200);
    expect((await call('POST', '/operators/grant', { email: citizen.email, role: 'commune-referent' })).status).toBe(400);
    // An address no verified account holds gets an invitation, not the role (it is not an operator yet).
    expect(
      (await call('POST', '/operators/grant', { email: 'personne@example.org', role: 'commune-referent', communes: ['oullins'] })).status,
    ).toBe(202);
    expect(
      (await call('POST', '/operators/grant', { client_id: 'no-such-client', role: 'commune-referent', communes: ['oullins'] })).status,
    ).toBe(404);
    expect((await call('GET', '/operators')).body.total).toBe(3);
    expect((await call('POST', '/operators/revoke', { email: citizen.email, role: 'commune-referent' })).body.roles).toEqual([]);
    expect((await call('GET', `/accounts?email=${encodeURIComponent(citizen.email)}`)).body.items).toEqual([
      expect.objectContaining({ sub: citizen.id, locked: false }),
    ]);
    expect((await call('GET', '/accounts?email=personne%40example.org')).body).toMatchObject({ total: 0, items: [] });
    expect((await call('GET', '/accounts')).status).toBe(400);
    expect((await call('POST', `/accounts/${citizen.id}/verification-mail`)).status).toBe(200);
    const unverified = await world.server.accounts.register({
      email: 'non.verifiee@example.org',
      password: 'une phrase de passe assez longue',
      givenName: 'Jeanne',
      familyName: 'Dupont',
      emailVerified: false,
    });
    expect((await call('POST', `/accounts/${unverified.id}/verification-mail`)).status).toBe(202);
    expect((await call('POST', `/accounts/${citizen.id}/lock`)).status).toBe(400);
    expect((await call('POST', `/accounts/${citizen.id}/lock`, { reason: 'fraude signalée' })).body.locked).toBe(true);
    expect((await call('POST', `/accounts/${citizen.id}/unlock`)).body.locked).toBe(false);
    expect((await call('POST', '/accounts/00000000-0000-4000-8000-000000000000/lock', { reason: 'x' })).status).toBe(404);
  });

  it('audit, reports and scope requests, and their refusals', async () => {
    expect((await call('GET', '/audit')).body.total).toBeGreaterThan(0);
    expect((await call('GET', `/audit?since=${new Date(Date.now() - 3_600_000).toISOString()}&limit=5`)).body.limit).toBe(5);
    expect((await call('GET', '/audit?since=hier')).status).toBe(400);
    expect((await call('GET', '/reports/usage?month=2026-02')).body.month).toBe('2026-02');
    expect((await call('GET', '/reports/usage?month=février')).status).toBe(400);
    expect((await call('GET', '/reports/contributions?year=2019')).body.year).toBe(2019);
    expect((await call('GET', '/reports/contributions?year=deux-mille')).status).toBe(400);
    const ask = async () => {
      const { client } = await world.server.registry.addClient(
        'oullins',
        { name: 'État civil', redirectUris: ['https://ec.oullins.fr/cb'], scope: 'openid phone' },
        { mayGrantSensitive: false, requestedBy: 'referent' },
      );
      return (await call('GET', '/scope-requests')).body.items.find((r: { client_id: string }) => r.client_id === client.clientId)
        .id as number;
    };
    const approved = await call('POST', `/scope-requests/${await ask()}/approve`, {});
    expect(approved.body).toMatchObject({ status: 'approved', scope: 'phone' });
    expect((await call('POST', `/scope-requests/${approved.body.id}/approve`, {})).status).toBe(409);
    const toRefuse = await ask();
    expect((await call('POST', `/scope-requests/${toRefuse}/refuse`, {})).status).toBe(400);
    expect((await call('POST', `/scope-requests/${toRefuse}/refuse`, { reason: 'finalité non justifiée' })).body).toMatchObject({
      status: 'refused',
      reason: 'finalité non justifiée',
    });
    expect((await call('GET', '/scope-requests?status=all')).body.total).toBe(2);
    expect((await call('POST', '/scope-requests/999999/approve', {})).status).toBe(404);
  });

  it('answers malformed input with a documented error, never a 500', async () => {
    const broken = await request(world.server.server)
      .post(`${ADMIN_PREFIX}/communes`)
      .set('Authorization', world.admin.bearer)
      .set('Content-Type', 'application/json')
      .send('{"slug": "bron",');
    expectConformant(world.api.document, 'POST', '/communes', broken.status, broken.body);
    expect([broken.status, broken.body.error]).toEqual([400, 'invalid_request']);
    const method = await call('POST', '/communes/oullins/clients', {
      client_name: 'x',
      redirect_uris: ['https://x.example/cb'],
      token_endpoint_auth_method: 'private_key_jwt',
    });
    expect([method.status, method.body.error_description]).toEqual([400, expect.stringContaining('token_endpoint_auth_method')]);
    expect((await call('POST', '/accounts/not-a-uuid/lock', { reason: 'x' })).status).toBe(404);
    expect((await call('POST', '/accounts/not-a-uuid/verification-mail')).status).toBe(404);
    expect((await call('POST', '/accounts/not-a-uuid/unlock')).status).toBe(404);
  });
});
