// The figures operators bill on: monthly usage per commune and site (from real sign-ins and a seeded past
// month), and the yearly contributions of the convention's grid — the same through the API and glc.
import request from 'supertest';
import { confirmRegistration } from '../support/account-space.js';
import { adminToken, anOperatorClient } from '../support/admin.js';
import { A_PASSWORD, aClient, anAccount, type TestClient } from '../support/builders.js';
import { jsonOutput, runGlc } from '../support/glc.js';
import { ADMIN_PREFIX, expectConformant, servedDocument, type OpenApiDocument } from '../support/openapi.js';
import { discover, exchange, signIn, startAuthorization } from '../support/relying-party.js';
import { startTestServer, TEST_SECRET_KEY, type TestServer } from '../support/server.js';
import { isPage, UserAgent } from '../support/user-agent.js';

let server: TestServer;
let document: OpenApiDocument;
let adminBearer: string;
let glcEnv: Record<string, string>;
const glc = async (...args: string[]) => runGlc(args, glcEnv);

// The five pilot communes of the convention (délibérations d'Oullins n° 20181004_13 and de Lyon n° 2018/4385).
const PILOTS = [
  ['bron', 'Bron', '40944', 'global'], ['dardilly', 'Dardilly', '8700', 'global'], ['lyon', 'Ville de Lyon', '522250', 'restricted'],
  ['oullins', 'Oullins', '26000', 'global'], ['vaulx-en-velin', 'Vaulx-en-Velin', '50000', 'global'],
] as const;

beforeAll(async () => {
  server = await startTestServer();
  glcEnv = { DATABASE_URL: server.database.url, DATA_DIR: server.dataDir, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' };
  for (const [slug, name, population, offer] of PILOTS) {
    jsonOutput(await glc('commune', 'add', '--slug', slug, '--name', name, '--population', population, '--offer', offer, '--pilot', '--json'));
  }
  document = await servedDocument(server);
  adminBearer = `Bearer ${await adminToken(server, await anOperatorClient(server, 'lyon', 'metropole-admin'))}`;
});

afterAll(async () => {
  await server.stop();
});

async function get(path: string, bearer = adminBearer) {
  const response = await request(server.server).get(`${ADMIN_PREFIX}${path}`).set('Authorization', bearer);
  expectConformant(document, 'GET', path, response.status, response.body);
  expect(response.status).toBe(200);
  return response.body;
}

/** RFC 4180: quoted cells, doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let isQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (isQuoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') isQuoted = false; else cell += c;
    } else if (c === '"') isQuoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  return rows;
}

const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));

describe('usage per month', () => {
  const sites: Record<string, TestClient> = {};
  const month = new Date().toISOString().slice(0, 7);

  async function signInAt(site: TestClient, agent: UserAgent, citizen?: { email: string; password: string }) {
    const config = await discover(server.issuer, site);
    const attempt = await startAuthorization(config, site);
    await exchange(config, attempt, await signIn(agent, attempt, citizen));
  }

  /** A citizen creates an account from a commune site's login page, and lands back on the site. */
  async function registerAt(site: TestClient, email: string): Promise<UserAgent> {
    const agent = new UserAgent(server.issuer);
    const config = await discover(server.issuer, site);
    const attempt = await startAuthorization(config, site);
    const login = await agent.navigate(attempt.url);
    if (!isPage(login)) throw new Error('expected the login page');
    const register = await agent.navigate(new URL(/href="([^"]*\/register)"/.exec(login.html)![1]!.replace(/&amp;/g, '&'), login.url).toString());
    if (!isPage(register)) throw new Error('expected the registration page');
    await agent.submit(register, { given_name: 'Nora', family_name: 'Saïdi', email, password: A_PASSWORD });
    let result = await confirmRegistration(server, agent, email);
    if (isPage(result) && result.html.includes('value="allow"')) result = await agent.submit(result, { decision: 'allow' });
    if (isPage(result)) throw new Error(`expected the site, got ${result.status} ${result.url}`);
    await exchange(config, attempt, result.leftTo);
    return agent;
  }

  beforeAll(async () => {
    sites.bronMairie = await aClient(server.registry, 'bron', { name: 'Mairie de Bron' });
    sites.bronMediatheque = await aClient(server.registry, 'bron', { name: 'Médiathèque de Bron' });
    sites.dardilly = await aClient(server.registry, 'dardilly', { name: 'Dardilly, démarches' });
    // This month, for real: Alice registers at the Mairie de Bron then visits its médiathèque; Bob, whose
    // account predates the sites, signs in at Bron and Dardilly; Carol registers at Dardilly.
    const alice = await registerAt(sites.bronMairie, 'alice@example.org');
    await signInAt(sites.bronMediatheque, alice);
    const bob = await anAccount(server.accounts, { email: 'bob@example.org' });
    const bobsBrowser = new UserAgent(server.issuer);
    await signInAt(sites.bronMairie, bobsBrowser, bob);
    await signInAt(sites.dardilly, bobsBrowser);
    await registerAt(sites.dardilly, 'carol@example.org');
    // March 2025, seeded: the month's first and last instants count, those around them do not.
    const seed: [TestClient, string, string][] = [
      [sites.bronMairie, 'alice', '2025-03-01T00:00:00Z'], [sites.bronMairie, 'alice', '2025-03-10T12:00:00Z'],
      [sites.bronMairie, 'alice', '2025-03-31T23:59:59.999Z'], [sites.bronMediatheque, 'bob', '2025-03-15T08:00:00Z'],
      [sites.dardilly, 'bob', '2025-03-20T08:00:00Z'], [sites.bronMairie, 'alice', '2025-02-28T23:59:59.999Z'],
      [sites.bronMairie, 'alice', '2025-04-01T00:00:00Z'],
    ];
    for (const [site, account, at] of seed) {
      await server.pool.query('insert into sign_ins (client_id, commune_slug, account_id, at) values ($1, $2, $3, $4)', [site.clientId, site.commune, `seeded-${account}`, at]);
    }
  });

  const figures = (report: { communes: { commune: string; logins: number; citizens: number; new_accounts: number }[] }, slug: string) => {
    const row = report.communes.find((c) => c.commune === slug)!;
    return [row.logins, row.citizens, row.new_accounts];
  };
  const ofSite = (report: { clients: { client_id: string; logins: number; citizens: number }[] }, site: TestClient) => {
    const row = report.clients.find((c) => c.client_id === site.clientId)!;
    return [row.logins, row.citizens];
  };

  it('counts this month\'s sign-ins, distinct citizens and new accounts per commune and per site', async () => {
    const report = await get(`/reports/usage?month=${month}`);
    expect(figures(report, 'bron')).toEqual([3, 2, 1]);
    expect(figures(report, 'dardilly')).toEqual([2, 2, 1]);
    expect(figures(report, 'lyon')).toEqual([0, 0, 0]);
    expect(ofSite(report, sites.bronMairie!)).toEqual([2, 2]);
    expect(ofSite(report, sites.bronMediatheque!)).toEqual([1, 1]);
    expect(ofSite(report, sites.dardilly!)).toEqual([2, 2]);
  });

  it('counts a seeded past month from its first to its last instant, in UTC', async () => {
    const march = await get('/reports/usage?month=2025-03');
    expect(figures(march, 'bron')).toEqual([4, 2, 0]);
    expect(figures(march, 'dardilly')).toEqual([1, 1, 0]);
    expect(ofSite(march, sites.bronMairie!)).toEqual([3, 1]);
    expect(ofSite(march, sites.bronMediatheque!)).toEqual([1, 1]);
    expect(figures(await get('/reports/usage?month=2025-02'), 'bron')).toEqual([1, 1, 0]);
    expect(figures(await get('/reports/usage?month=2025-04'), 'bron')).toEqual([1, 1, 0]);
  });

  it.each([['this month'], ['2025-03']])('gives the same figures for %s through glc --json and --csv as through the API', async (which) => {
    const wanted = which === 'this month' ? month : which;
    const api = await get(`/reports/usage?month=${wanted}`);
    expect(jsonOutput(await glc('report', 'usage', '--month', wanted, '--json'))).toEqual(api);
    const csv = await glc('report', 'usage', '--month', wanted, '--csv');
    expect([csv.code, csv.stderr]).toEqual([0, '']);
    expect(csv.stdout.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv.stdout)).toEqual([
      ['month', 'commune', 'client_id', 'name', 'logins', 'citizens', 'new_accounts'],
      ...api.communes.map((c: Record<string, unknown>) => [wanted, c.commune, '', c.name, c.logins, c.citizens, c.new_accounts].map(cell)),
      ...api.clients.map((c: Record<string, unknown>) => [wanted, c.commune, c.client_id, c.name, c.logins, c.citizens, ''].map(cell)),
    ]);
  });

  it('shows a referent the figures of their own commune only', async () => {
    const referent = `Bearer ${await adminToken(server, await anOperatorClient(server, 'bron', 'commune-referent', ['bron']))}`;
    const report = await get(`/reports/usage?month=${month}`, referent);
    expect(report.communes.map((c: { commune: string }) => c.commune)).toEqual(['bron']);
    expect(new Set(report.clients.map((c: { commune: string }) => c.commune))).toEqual(new Set(['bron']));
    expect(figures(report, 'bron')).toEqual([3, 2, 1]);
  });
});

describe('contributions after the convention\'s grid', () => {
  // The seed's table (€ TTC per year), read with the rule decided for its edges: a population exactly on an
  // edge belongs to the lower bracket. [population, global offer, restricted offer]
  const EDGES: [number, number, number][] = [
    [4_999, 1_800, 1_400], [5_000, 1_800, 1_400], [5_001, 5_400, 4_200],
    [9_999, 5_400, 4_200], [10_000, 5_400, 4_200], [10_001, 8_400, 6_500],
    [19_999, 8_400, 6_500], [20_000, 8_400, 6_500], [20_001, 10_800, 8_400],
    [39_999, 10_800, 8_400], [40_000, 10_800, 8_400], [40_001, 14_000, 10_800],
    [79_999, 14_000, 10_800], [80_000, 14_000, 10_800], [80_001, 18_000, 14_000],
  ];
  // [slug, amount in 2019 (pilots: 50 % off), amount in 2020]
  const PILOT_AMOUNTS: [string, number, number][] = [
    ['bron', 7_000, 14_000], ['dardilly', 2_700, 5_400], ['lyon', 7_000, 14_000], ['oullins', 5_400, 10_800], ['vaulx-en-velin', 7_000, 14_000],
  ];

  beforeAll(async () => {
    for (const [population] of EDGES) {
      for (const offer of ['global', 'restricted']) {
        const created = await request(server.server).post(`${ADMIN_PREFIX}/communes`).set('Authorization', adminBearer)
          .send({ slug: `edge-${population}-${offer}`, name: `Commune de ${population} habitants`, population, offer });
        expect(created.status).toBe(201);
      }
    }
    const unknown = await request(server.server).post(`${ADMIN_PREFIX}/communes`).set('Authorization', adminBearer).send({ slug: 'sans-recensement', name: 'Sans recensement' });
    expect(unknown.status).toBe(201);
  });

  const amountsOf = (report: { communes: { commune: string; amount: number | null }[] }) => Object.fromEntries(report.communes.map((c) => [c.commune, c.amount]));

  it('charges the five pilot communes half in 2019 and the full amount in 2020', async () => {
    const [in2019, in2020] = [amountsOf(await get('/reports/contributions?year=2019')), amountsOf(await get('/reports/contributions?year=2020'))];
    expect(PILOT_AMOUNTS.map(([slug]) => [slug, in2019[slug], in2020[slug]])).toEqual(PILOT_AMOUNTS);
    const lyon = (await get('/reports/contributions?year=2019')).communes.find((c: { commune: string }) => c.commune === 'lyon');
    expect(lyon).toMatchObject({ offer: 'restricted', pilot: true, population: 522_250, base_amount: 14_000, discount_percent: 50, amount: 7_000 });
  });

  it.each(EDGES)('puts %i inhabitants in the seed\'s bracket: %i € global, %i € restricted, without pilot discount', async (population, global, restricted) => {
    for (const year of [2019, 2020]) {
      const amounts = amountsOf(await get(`/reports/contributions?year=${year}`));
      expect([amounts[`edge-${population}-global`], amounts[`edge-${population}-restricted`]]).toEqual([global, restricted]);
    }
  });

  it('leaves a commune without population unpriced, outside the total', async () => {
    const report = await get('/reports/contributions?year=2020');
    expect(report.communes.find((c: { commune: string }) => c.commune === 'sans-recensement')).toMatchObject({ population: null, bracket: null, amount: null });
    const expected = PILOT_AMOUNTS.reduce((sum, [, , amount]) => sum + amount, 0) + EDGES.reduce((sum, [, g, r]) => sum + g + r, 0);
    expect(report.total).toBe(expected);
  });

  it.each([2019, 2020])('gives the same contributions for %i through glc --json and --csv as through the API', async (year) => {
    const api = await get(`/reports/contributions?year=${year}`);
    expect(jsonOutput(await glc('report', 'contributions', '--year', String(year), '--json'))).toEqual(api);
    const csv = await glc('report', 'contributions', '--year', String(year), '--csv');
    expect([csv.code, csv.stderr]).toEqual([0, '']);
    expect(parseCsv(csv.stdout)).toEqual([
      ['year', 'commune', 'name', 'population', 'bracket', 'offer', 'pilot', 'base_amount', 'discount_percent', 'amount', 'currency'],
      ...api.communes.map((c: Record<string, unknown>) => [year, c.commune, c.name, c.population, c.bracket, c.offer, c.pilot, c.base_amount, c.discount_percent, c.amount, 'EUR'].map(cell)),
    ]);
  });
});
