// Every field the operators' API reads is checked against the schema its document shows, before the route
// does anything: a value of the wrong type is a 400 naming the field, and nothing changes.
import request from 'supertest';
import { ADMIN_PREFIX, expectConformant, HTTP_METHODS } from '../support/openapi.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  format?: string;
  properties?: Record<string, JsonSchema>;
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

interface DocumentedOperation {
  parameters: Parameter[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema; example?: Record<string, unknown> } } };
}

const world = useWorld(() =>
  anOidcWorld({
    communes: [{ slug: 'oullins', name: 'Oullins' }],
    clients: { site: {} },
    accounts: { citizen: {} },
    operators: { admin: { role: 'metropole-admin' } },
  }),
);
/** A real value for each path parameter, so that a refusal can only come from the field under test. */
let pathValues: Record<string, string>;
/** The query parameters a route needs besides the one under test. */
let requiredQueries: Record<string, Record<string, string>>;

beforeAll(async () => {
  const { client } = await world.server.registry.addClient(
    'oullins',
    { name: 'État civil', redirectUris: ['https://ec.oullins.fr/cb'], scope: 'openid phone' },
    { mayGrantSensitive: false, requestedBy: 'test' },
  );
  const pending = (await world.server.registry.listScopeRequests('pending', 'all')).find((r) => r.clientId === client.clientId)!;
  pathValues = { slug: 'oullins', clientId: world.site.clientId, id: String(pending.id), sub: world.citizen.id };
  requiredQueries = {
    '/accounts': { email: world.citizen.email },
    '/reports/usage': { month: '2026-01' },
    '/reports/contributions': { year: '2026' },
  };
});

/** A JSON value that the schema refuses for its type alone. */
function wrongValueFor(schema: JsonSchema): unknown {
  if (schema.enum) return 'none-of-these';
  if (schema.anyOf) return schema.anyOf.some((branch) => branch.type === 'string') ? 42 : 'not-this';
  return schema.type === 'string' ? 42 : schema.type === 'array' ? 'not-a-list' : 'not-this';
}

/** The same, written as text in a path or a query (a text-typed parameter has none). */
function wrongTextFor(schema: JsonSchema): string | undefined {
  if (schema.enum) return 'none-of-these';
  if (schema.format === 'date-time') return 'yesterday';
  if (schema.type === 'integer' || schema.type === 'number') return 'many';
  return undefined;
}

const operations = () =>
  Object.entries(world.api.document.paths).flatMap(([template, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = item[method] as DocumentedOperation | undefined;
      return operation ? [{ method: method.toUpperCase(), template, operation }] : [];
    }),
  );

const concrete = (template: string, wrong: Record<string, string> = {}) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(wrong[name] ?? pathValues[name]!));

interface Case {
  route: string;
  field: string;
  method: string;
  path: string;
  template: string;
  body?: Record<string, unknown>;
}

/** One case per field of every body, query and path the document shows with a type a wrong value can break. */
function cases(): Case[] {
  return operations().flatMap(({ method, template, operation }) => {
    const route = `${method} ${template}`;
    const bodySchema = operation.requestBody?.content['application/json'];
    const inBody = Object.entries(bodySchema?.schema.properties ?? {}).map(([field, schema]) => ({
      route,
      field,
      method,
      template,
      path: concrete(template),
      body: { ...bodySchema?.example, [field]: wrongValueFor(schema) },
    }));
    const inParameters = operation.parameters.flatMap((parameter) => {
      const text = wrongTextFor(parameter.schema);
      if (text === undefined) return [];
      const base = parameter.in === 'path' ? concrete(template, { [parameter.name]: text }) : concrete(template);
      const query = parameter.in === 'query' ? new URLSearchParams({ ...requiredQueries[template], [parameter.name]: text }) : undefined;
      return [
        {
          route,
          field: parameter.name,
          method,
          template,
          path: query ? `${base}?${query.toString()}` : base,
          ...(bodySchema?.example ? { body: bodySchema.example } : {}),
        },
      ];
    });
    return [...inBody, ...inParameters];
  });
}

const auditRows = async () => Number((await world.server.pool.query<{ count: string }>('select count(*) from audit_log')).rows[0]!.count);

async function send(method: string, path: string, body?: object) {
  const test = request(world.server.server)
    [method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](`${ADMIN_PREFIX}${path}`)
    .set('Authorization', world.admin.bearer);
  return body ? test.send(body) : test;
}

describe('a value of the wrong type', () => {
  it('in a body is a 400 naming the field, and the change is not made', async () => {
    const refused = await send('POST', '/communes', { slug: 'bron', name: 'Bron', population: 'beaucoup' });
    expect([refused.status, refused.body]).toEqual([
      400,
      { error: 'invalid_request', error_description: 'population: a whole number', field: 'population' },
    ]);
    expectConformant(world.api.document, 'POST', '/communes', refused.status, refused.body);
    expect((await send('GET', '/communes/bron')).status).toBe(404);
  });

  it('is tried on every route that takes a body, and on the typed fields of paths and queries', () => {
    const tried = new Set(cases().map((c) => c.route));
    const withBody = operations()
      .filter(({ operation }) => operation.requestBody)
      .map(({ method, template }) => `${method} ${template}`);
    expect(withBody.length).toBeGreaterThan(5);
    expect([...tried]).toEqual(
      expect.arrayContaining([...withBody, 'GET /communes', 'GET /audit', 'GET /scope-requests', 'GET /reports/contributions']),
    );
  });

  it('in any field of any route is refused with a 400 naming that field, as the document says, before anything is written', async () => {
    const outcomes: object[] = [];
    const expected: object[] = [];
    for (const { route, field, method, path, template, body } of cases()) {
      const before = await auditRows();
      const response = await send(method, path, body);
      expectConformant(world.api.document, method, template, response.status, response.body);
      const description = String(response.body.error_description);
      outcomes.push({
        route,
        field,
        status: response.status,
        error: response.body.error,
        named: response.body.field,
        isSaid: description.startsWith(`${field}:`),
        audited: (await auditRows()) - before,
      });
      expected.push({ route, field, status: 400, error: 'invalid_request', named: field, isSaid: true, audited: 0 });
    }
    expect(outcomes).toEqual(expected);
  });
});
