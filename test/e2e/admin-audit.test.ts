// The audit log: every change by an operator or the command line is one appended row saying who, where and
// what (never a secret); nobody edits it, and a referent reads only the entries of their communes.
import { anOperatorClient, operatorTokensAt } from '../support/admin.js';
import { aClient, anAccount } from '../support/builders.js';
import { glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import type { ApiMethod } from '../support/openapi.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

interface Entry {
  actor: string;
  actor_label: string | null;
  action: string;
  commune: string | null;
  target: string | null;
  before: unknown;
  after: unknown;
}

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon', 'oullins', 'vaulx-en-velin'],
    clients: { operatorConsole: { name: 'Console des opérateurs', isOperatorTool: true } },
    operators: { admin: { role: 'metropole-admin' }, referent: { commune: 'oullins', role: 'commune-referent', communes: ['oullins'] } },
  }),
);

const call = (bearer: string, method: ApiMethod, path: string, body?: object) => world.api.call(bearer, method, path, body);
const glc = (...args: string[]) => runGlc(args, glcEnvOf(world.server));

/** The whole log as the metropole-admin reads it, oldest first. */
async function auditLog(): Promise<Entry[]> {
  const response = await call(world.admin.bearer, 'GET', '/audit?limit=200');
  expect(response.body.total).toBeLessThanOrEqual(200);
  return response.body.items as Entry[];
}

/** Runs `work` and answers the audit entries it appended. */
async function entriesWrittenBy(work: () => Promise<unknown>): Promise<Entry[]> {
  const before = (await auditLog()).length;
  await work();
  return (await auditLog()).slice(before);
}

const aSite = async (commune = 'oullins') => (await aClient(world.server.registry, commune)).clientId;
async function aPendingRequest(): Promise<number> {
  const { client } = await world.server.registry.addClient(
    'oullins',
    { name: 'État civil', redirectUris: ['https://ec.oullins.fr/cb'], scope: 'openid phone' },
    { mayGrantSensitive: false, requestedBy: 'test' },
  );
  return (await world.server.registry.listScopeRequests('pending', 'all')).find((r) => r.clientId === client.clientId)!.id;
}

type Mutation = [
  action: string,
  commune: string | null,
  request: () => Promise<{ method: 'POST' | 'PATCH' | 'DELETE'; path: string; body?: object; target: string }>,
];
const MUTATIONS: Mutation[] = [
  [
    'commune.created',
    'givors',
    async () => ({ method: 'POST', path: '/communes', body: { slug: 'givors', name: 'Givors' }, target: 'commune:givors' }),
  ],
  [
    'commune.updated',
    'oullins',
    async () => ({ method: 'PATCH', path: '/communes/oullins', body: { population: 26_000 }, target: 'commune:oullins' }),
  ],
  [
    'client.created',
    'oullins',
    async () => ({
      method: 'POST',
      path: '/communes/oullins/clients',
      body: { client_name: 'oullins.fr', redirect_uris: ['https://www.oullins.fr/cb'] },
      target: 'client:',
    }),
  ],
  ...(['disable', 'enable', 'secret'] as const).map((verb): Mutation => [
    { disable: 'client.disabled', enable: 'client.enabled', secret: 'client.secret_rotated' }[verb],
    'oullins',
    async () => {
      const id = await aSite();
      return { method: 'POST', path: `/communes/oullins/clients/${id}/${verb}`, target: `client:${id}` };
    },
  ]),
  [
    'client.updated',
    'oullins',
    async () => {
      const id = await aSite();
      return { method: 'PATCH', path: `/communes/oullins/clients/${id}`, body: { client_name: 'Médiathèque' }, target: `client:${id}` };
    },
  ],
  [
    'client.deleted',
    'oullins',
    async () => {
      const id = await aSite();
      return { method: 'DELETE', path: `/communes/oullins/clients/${id}`, target: `client:${id}` };
    },
  ],
  [
    'operator.grant',
    'oullins',
    async () => {
      const id = await aSite();
      return {
        method: 'POST',
        path: '/operators/grant',
        body: { client_id: id, role: 'commune-referent', communes: ['oullins'] },
        target: `client:${id}`,
      };
    },
  ],
  [
    'operator.revoke',
    'oullins',
    async () => {
      const id = await aSite();
      return {
        method: 'POST',
        path: '/operators/revoke',
        body: { client_id: id, role: 'commune-referent', communes: ['oullins'] },
        target: `client:${id}`,
      };
    },
  ],
  [
    'account.locked',
    null,
    async () => {
      const { id } = await anAccount(world.server.accounts);
      return { method: 'POST', path: `/accounts/${id}/lock`, body: { reason: 'fraude signalée' }, target: `account:${id}` };
    },
  ],
  [
    'account.unlocked',
    null,
    async () => {
      const { id } = await anAccount(world.server.accounts);
      return { method: 'POST', path: `/accounts/${id}/unlock`, target: `account:${id}` };
    },
  ],
  [
    'scope_request.approved',
    'oullins',
    async () => ({ method: 'POST', path: `/scope-requests/${await aPendingRequest()}/approve`, body: {}, target: 'client:' }),
  ],
  [
    'scope_request.refused',
    'oullins',
    async () => ({
      method: 'POST',
      path: `/scope-requests/${await aPendingRequest()}/refuse`,
      body: { reason: 'non justifié' },
      target: 'client:',
    }),
  ],
];

describe('the audit log', () => {
  it.each(MUTATIONS)('records %s once, with the operator who made it and the commune', async (action, commune, prepare) => {
    const { method, path, body, target } = await prepare();
    let status = 0;
    const entries = await entriesWrittenBy(async () => {
      status = (await call(world.admin.bearer, method, path, body)).status;
    });
    expect(status).toBeLessThan(300);
    expect(entries).toEqual([
      expect.objectContaining({ action, commune, actor: `client:${world.admin.clientId}`, actor_label: world.admin.clientId }),
    ]);
    expect(entries[0]!.target).toMatch(new RegExp(`^${target}`));
  });

  it('keeps the before and after of a change', async () => {
    const id = await aSite();
    const [entry] = await entriesWrittenBy(() =>
      call(world.admin.bearer, 'PATCH', `/communes/oullins/clients/${id}`, { redirect_uris: ['https://new.oullins.fr/cb'] }),
    );
    expect(entry).toMatchObject({
      before: { redirect_uris: [expect.stringMatching(/^https:\/\/rp-/)] },
      after: { redirect_uris: ['https://new.oullins.fr/cb'] },
    });
  });

  it('writes nothing for a refused or invalid call', async () => {
    const lyonSite = await aSite('lyon');
    const entries = await entriesWrittenBy(async () => {
      expect((await call(world.referent.bearer, 'DELETE', `/communes/lyon/clients/${lyonSite}`)).status).toBe(403);
      expect((await call(world.referent.bearer, 'POST', '/communes', { slug: 'ecully', name: 'Écully' })).status).toBe(403);
      expect(
        (await call(world.admin.bearer, 'POST', '/communes/oullins/clients', { client_name: 'x', redirect_uris: ['http://x.example/cb'] }))
          .status,
      ).toBe(400);
    });
    expect(entries).toEqual([]);
  });

  it('names the person when an operator signs in with the admin scope', async () => {
    const person = await anAccount(world.server.accounts);
    await operatorGrant(person.email);
    const tokens = await operatorTokensAt(world.server, world.operatorConsole, person);
    let status = 0;
    const entries = await entriesWrittenBy(async () => {
      status = (await call(`Bearer ${tokens.access_token}`, 'PATCH', '/communes/lyon', { population: 522_250 })).status;
    });
    expect(status).toBe(200);
    expect(entries).toEqual([
      expect.objectContaining({ action: 'commune.updated', actor: `account:${person.id}`, actor_label: person.email }),
    ]);
  });

  it('never holds a client secret, neither a created nor a rotated one', async () => {
    const created = await call(world.admin.bearer, 'POST', '/communes/vaulx-en-velin/clients', {
      client_name: 'vaulx.fr',
      redirect_uris: ['https://vaulx.fr/cb'],
    });
    const rotated = await call(world.admin.bearer, 'POST', `/communes/vaulx-en-velin/clients/${created.body.client_id}/secret`);
    const secrets = [created.body.client_secret as string, rotated.body.client_secret as string];
    expect(secrets).toEqual([expect.stringMatching(/.{20}/), expect.stringMatching(/.{20}/)]);
    const cli = await glc('audit', '--since', '1d', '--json');
    for (const text of [JSON.stringify(await auditLog()), cli.stdout]) {
      expect(text).toContain(created.body.client_id);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it('refuses UPDATE and DELETE, even straight in the database, and keeps its rows', async () => {
    const before = await auditLog();
    expect(before.length).toBeGreaterThan(0);
    await expect(world.server.pool.query(`update audit_log set actor = 'someone-else'`)).rejects.toMatchObject({ code: '42501' });
    await expect(world.server.pool.query(`delete from audit_log where action = 'commune.created'`)).rejects.toMatchObject({
      code: '42501',
    });
    expect(await auditLog()).toEqual(before);
  });

  it('shows a referent only the entries of their communes', async () => {
    await call(world.admin.bearer, 'PATCH', '/communes/lyon', { population: 522_251 });
    await call(world.admin.bearer, 'PATCH', '/communes/oullins', { population: 26_001 });
    const everything = await auditLog();
    expect(everything.map((e) => e.commune)).toEqual(expect.arrayContaining(['lyon', 'oullins', null]));
    const seen = (await call(world.referent.bearer, 'GET', '/audit?limit=200')).body.items as Entry[];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.commune === 'oullins')).toBe(true);
    expect(seen).toEqual(everything.filter((e) => e.commune === 'oullins'));
  });

  it("lists the command line's changes with `glc audit --since 1d --json`, next to the API's", async () => {
    jsonOutput(await glc('commune', 'add', '--slug', 'caluire', '--name', 'Caluire-et-Cuire', '--json'));
    const site = await aSite();
    jsonOutput(await glc('operator', 'grant', '--client', site, '--role', 'commune-referent', '--commune', 'caluire', '--json'));
    const { entries } = jsonOutput(await glc('audit', '--since', '1d', '--json')) as { entries: Entry[] };
    const cli = entries.filter((e) => e.actor === 'cli');
    expect(cli.map((e) => [e.action, e.commune, e.target])).toEqual(
      expect.arrayContaining([
        ['commune.created', 'caluire', 'commune:caluire'],
        ['operator.grant', 'caluire', `client:${site}`],
      ]),
    );
    expect(entries.some((e) => e.actor === `client:${world.admin.clientId}`)).toBe(true);
    expect((await auditLog()).filter((e) => e.actor === 'cli').map((e) => e.action)).toEqual(
      expect.arrayContaining(['commune.created', 'operator.grant']),
    );
    expect(jsonOutput(await glc('audit', '--since', '2099-01-01', '--json'))).toEqual({ entries: [] });
  });
});

async function operatorGrant(email: string): Promise<void> {
  const response = await call(world.admin.bearer, 'POST', '/operators/grant', { email, role: 'metropole-admin' });
  expect(response.status).toBe(200);
}

describe('the audit log beyond one commune', () => {
  it('shows a grant over several communes to the operators of each of them', async () => {
    const syndicate = await anOperatorClient(world.server, 'vaulx-en-velin');
    await call(world.admin.bearer, 'POST', '/operators/grant', {
      client_id: syndicate.clientId,
      role: 'syndicate-operator',
      communes: ['vaulx-en-velin', 'oullins'],
    });
    const readByReferent = await call(world.referent.bearer, 'GET', '/audit?limit=200');
    const grants = (readByReferent.body.items as Entry[]).filter(
      (e) => e.action === 'operator.grant' && e.target === `client:${syndicate.clientId}`,
    );
    expect(grants).toHaveLength(1);
  });

  it('refuses TRUNCATE like UPDATE and DELETE', async () => {
    await expect(world.server.pool.query('truncate audit_log')).rejects.toMatchObject({ code: '42501' });
  });
});

describe('filtering the audit log', () => {
  const read = async (bearer: string, query: Record<string, string>) => {
    const response = await call(bearer, 'GET', `/audit?${new URLSearchParams({ limit: '200', ...query }).toString()}`);
    return response;
  };
  const items = async (query: Record<string, string>, bearer = world.admin.bearer) => {
    const response = await read(bearer, query);
    expect(response.status).toBe(200);
    return response.body.items as (Entry & { at: string })[];
  };
  let startedAt: string;
  let site: string;

  beforeAll(async () => {
    startedAt = (await world.server.pool.query<{ now: Date }>('select now()')).rows[0]!.now.toISOString();
    expect((await call(world.admin.bearer, 'PATCH', '/communes/lyon', { population: 522_252 })).status).toBe(200);
    expect((await call(world.admin.bearer, 'PATCH', '/communes/oullins', { population: 26_002 })).status).toBe(200);
    const created = await call(world.admin.bearer, 'POST', '/communes/oullins/clients', {
      client_name: 'Piscine',
      redirect_uris: ['https://piscine.oullins.fr/cb'],
    });
    site = created.body.client_id as string;
    expect((await call(world.admin.bearer, 'POST', `/communes/oullins/clients/${site}/disable`)).status).toBe(200);
  });

  it('narrows to one commune', async () => {
    const oullins = await items({ commune: 'oullins', since: startedAt });
    expect(oullins.map((e) => e.action)).toEqual(['commune.updated', 'client.created', 'client.disabled']);
    expect(oullins.every((e) => e.commune === 'oullins')).toBe(true);
    expect((await items({ commune: 'lyon', since: startedAt })).map((e) => [e.action, e.commune])).toEqual([['commune.updated', 'lyon']]);
  });

  it('narrows to a kind of action or to one action exactly', async () => {
    expect((await items({ action: 'client', since: startedAt })).map((e) => e.action)).toEqual(['client.created', 'client.disabled']);
    expect((await items({ action: 'client.disabled', since: startedAt })).map((e) => e.target)).toEqual([`client:${site}`]);
    // A kind is the whole word before the dot: "clien" matches nothing.
    expect(await items({ action: 'clien', since: startedAt })).toEqual([]);
    const refused = await read(world.admin.bearer, { action: "client%' or '1'='1" });
    expect([refused.status, refused.body.field]).toEqual([400, 'action']);
  });

  it('narrows to one actor, by its id or by its label', async () => {
    const byId = await items({ actor: `client:${world.admin.clientId}`, since: startedAt });
    expect(byId).toHaveLength(4);
    expect(await items({ actor: world.admin.clientId, since: startedAt })).toEqual(byId);
    expect(await items({ actor: 'cli', since: startedAt })).toEqual([]);
  });

  it('reads a period from since (included) to until (excluded), and refuses an end before its start', async () => {
    expect(
      await items({ commune: 'lyon', until: startedAt, since: new Date(Date.parse(startedAt) - 3_600_000).toISOString() }),
    ).not.toContainEqual(expect.objectContaining({ action: 'commune.updated', after: { population: 522_252 } }));
    const all = await items({ since: startedAt });
    const lastAt = all[all.length - 1]!.at;
    const before = await items({ since: startedAt, until: lastAt });
    expect(before).toEqual(all.filter((e) => e.at < lastAt));
    const refused = await read(world.admin.bearer, { since: startedAt, until: startedAt });
    expect([refused.status, refused.body.field]).toEqual([400, 'until']);
  });

  it('pages the filtered entries with limit and offset', async () => {
    const page = await read(world.admin.bearer, { commune: 'oullins', since: startedAt, limit: '2', offset: '1' });
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect((page.body.items as Entry[]).map((e) => e.action)).toEqual(['client.created', 'client.disabled']);
  });

  it("refuses a referent of Oullins the commune of Lyon, and no other filter reaches Lyon's entries", async () => {
    const refused = await read(world.referent.bearer, { commune: 'lyon' });
    expect([refused.status, refused.body.error, refused.body.field]).toEqual([403, 'forbidden', 'commune']);
    const queries: Record<string, string>[] = [
      { actor: `client:${world.admin.clientId}` },
      { action: 'commune.updated' },
      { action: 'commune' },
      { since: '2000-01-01T00:00:00Z' },
      { commune: 'oullins' },
    ];
    for (const query of queries) {
      const seen = await items(query, world.referent.bearer);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((e) => e.commune === 'lyon')).toEqual([]);
    }
  });

  it('documents the filters in the OpenAPI document', async () => {
    const operation = world.api.document.paths['/audit']!.get as unknown as { parameters: { name: string }[] };
    const parameters = operation.parameters;
    expect(parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['since', 'until', 'commune', 'actor', 'action', 'limit', 'offset']),
    );
  });
});
