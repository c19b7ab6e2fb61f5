// The operators' API takes its limits from config/default.json (operatorsApi): a server tuned to small
// numbers pages, refuses, documents and reads the audit by them.
import request from 'supertest';
import { anOidcWorld } from '../support/oidc-world.js';
import { ADMIN_PREFIX } from '../support/openapi.js';
import { useWorld } from '../support/world.js';

const POLICY = {
  pageSize: { default: 2, max: 3 },
  bodyLimitBytes: 2048,
  audit: { defaultDays: 1, maxEntries: 2 },
  secretRotationOverlapSeconds: 604800,
};

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'bron', name: 'bron' },
      { slug: 'caluire', name: 'caluire' },
      { slug: 'ecully', name: 'ecully' },
      { slug: 'givors', name: 'givors' },
    ],
    operators: { admin: { role: 'metropole-admin' } },
    tune: () => ({ operatorsApi: POLICY }),
  }),
);

const get = (path: string) => request(world.server.server).get(`${ADMIN_PREFIX}${path}`).set('Authorization', world.admin.bearer);

describe("the operators' API under a tuned operatorsApi", () => {
  it('answers a page of pageSize.default items when ?limit= is not given', async () => {
    const response = await get('/communes');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ limit: POLICY.pageSize.default, total: 4 });
    expect(response.body.items).toHaveLength(POLICY.pageSize.default);
  });

  it('accepts ?limit= up to pageSize.max and refuses one above it, naming the bound', async () => {
    expect((await get(`/communes?limit=${POLICY.pageSize.max}`)).body.items).toHaveLength(POLICY.pageSize.max);
    const refused = await get(`/communes?limit=${POLICY.pageSize.max + 1}`);
    expect([refused.status, refused.body]).toEqual([
      400,
      {
        error: 'invalid_request',
        error_description: `limit: a whole number from 1 to ${POLICY.pageSize.max}`,
        field: 'limit',
      },
    ]);
  });

  it('refuses a body above bodyLimitBytes with a 413, and one just under it is read', async () => {
    const post = (name: string) =>
      request(world.server.server)
        .post(`${ADMIN_PREFIX}/communes`)
        .set('Authorization', world.admin.bearer)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ slug: 'lyon', name, insee: '69123', population: 522_250, pilot: false, offer: 'global' }));
    expect((await post('x'.repeat(POLICY.bodyLimitBytes))).status).toBe(413);
    // Under the limit the body is read: the route's own rule on the name refuses it, not the parser.
    const read = await post('x'.repeat(POLICY.bodyLimitBytes / 2));
    expect([read.status, read.body.error]).toEqual([400, 'commune_name_invalid']);
  });

  it('documents the tuned bounds: the page size and the body limit', async () => {
    const document = (await request(world.server.server).get(`${ADMIN_PREFIX}/openapi.json`)).body;
    const list = document.paths['/communes'];
    const limit = list.get.parameters.find((parameter: { name: string }) => parameter.name === 'limit');
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: POLICY.pageSize.max, default: POLICY.pageSize.default });
    expect(list.post.responses['413'].description).toBe('The body is larger than 2 KiB');
    expect(document.paths['/audit'].get.description).toContain(
      `the last ${POLICY.audit.defaultDays} days by default, ${POLICY.audit.maxEntries} entries at most`,
    );
  });

  it('reads audit.maxEntries audit entries at most', async () => {
    for (const [slug, insee] of [
      ['meyzieu', '69282'],
      ['oullins', '69149'],
      ['rillieux', '69286'],
    ]) {
      const created = await request(world.server.server)
        .post(`${ADMIN_PREFIX}/communes`)
        .set('Authorization', world.admin.bearer)
        .send({ slug, name: slug, insee, population: 30_000, pilot: false, offer: 'global' });
      expect(created.status).toBe(201);
    }
    const response = await get(`/audit?limit=${POLICY.pageSize.max}`);
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(POLICY.audit.maxEntries);
  });
});
