// The figures operators bill on: monthly usage per commune and site (from real sign-ins and a seeded past
// month), and the yearly contributions of the convention's grid — the same through the API and glc.
import { anOperator } from '../support/admin.js';
import { anAccount, type TestClient } from '../support/builders.js';
import { glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { registerAt, signInAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

// The five pilot communes of the convention (délibérations d'Oullins n° 20181004_13 and de Lyon n° 2018/4385).
const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'bron', name: 'Bron', population: 40_944, offer: 'global', isPilot: true },
      { slug: 'dardilly', name: 'Dardilly', population: 8_700, offer: 'global', isPilot: true },
      { slug: 'lyon', name: 'Ville de Lyon', population: 522_250, offer: 'restricted', isPilot: true },
      { slug: 'oullins', name: 'Oullins', population: 26_000, offer: 'global', isPilot: true },
      { slug: 'vaulx-en-velin', name: 'Vaulx-en-Velin', population: 50_000, offer: 'global', isPilot: true },
    ],
    clients: {
      bronMairie: { name: 'Mairie de Bron' },
      bronMediatheque: { name: 'Médiathèque de Bron' },
      dardilly: { name: 'Dardilly, démarches', commune: 'dardilly' },
    },
    operators: { admin: { commune: 'lyon', role: 'metropole-admin' } },
  }),
);

const glc = (...args: string[]) => runGlc(args, glcEnvOf(world.server));

async function get(path: string, bearer = world.admin.bearer) {
  const response = await world.api.call(bearer, 'GET', path);
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
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') isQuoted = false;
      else cell += c;
    } else if (c === '"') isQuoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

const cell = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

describe('usage per month', () => {
  const month = new Date().toISOString().slice(0, 7);

  beforeAll(async () => {
    // This month, for real: Alice registers at the Mairie de Bron then visits its médiathèque; Bob, whose
    // account predates the sites, signs in at Bron and Dardilly; Carol registers at Dardilly.
    const alice = new UserAgent(world.server.issuer);
    await registerAt(world.server, world.bronMairie, alice, { email: 'alice@example.org' });
    await signInAt(world.bronMediatheque, alice);
    const bob = await anAccount(world.server.accounts, { email: 'bob@example.org' });
    const bobsBrowser = new UserAgent(world.server.issuer);
    await signInAt(world.bronMairie, bobsBrowser, bob);
    await signInAt(world.dardilly, bobsBrowser);
    await registerAt(world.server, world.dardilly, new UserAgent(world.server.issuer), { email: 'carol@example.org' });
    // March 2025, seeded: the month's first and last instants count, those around them do not.
    const seed: [TestClient, string, string][] = [
      [world.bronMairie, 'alice', '2025-03-01T00:00:00Z'],
      [world.bronMairie, 'alice', '2025-03-10T12:00:00Z'],
      [world.bronMairie, 'alice', '2025-03-31T23:59:59.999Z'],
      [world.bronMediatheque, 'bob', '2025-03-15T08:00:00Z'],
      [world.dardilly, 'bob', '2025-03-20T08:00:00Z'],
      [world.bronMairie, 'alice', '2025-02-28T23:59:59.999Z'],
      [world.bronMairie, 'alice', '2025-04-01T00:00:00Z'],
    ];
    for (const [site, account, at] of seed) {
      await world.server.pool.query('insert into sign_ins (client_id, commune_slug, account_id, at) values ($1, $2, $3, $4)', [
        site.clientId,
        site.commune,
        `seeded-${account}`,
        at,
      ]);
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

  it("counts this month's sign-ins, distinct citizens and new accounts per commune and per site", async () => {
    const report = await get(`/reports/usage?month=${month}`);
    expect(figures(report, 'bron')).toEqual([3, 2, 1]);
    expect(figures(report, 'dardilly')).toEqual([2, 2, 1]);
    expect(figures(report, 'lyon')).toEqual([0, 0, 0]);
    expect(ofSite(report, world.bronMairie)).toEqual([2, 2]);
    expect(ofSite(report, world.bronMediatheque)).toEqual([1, 1]);
    expect(ofSite(report, world.dardilly)).toEqual([2, 2]);
  });

  it('counts a seeded past month from its first to its last instant, in UTC', async () => {
    const march = await get('/reports/usage?month=2025-03');
    expect(figures(march, 'bron')).toEqual([4, 2, 0]);
    expect(figures(march, 'dardilly')).toEqual([1, 1, 0]);
    expect(ofSite(march, world.bronMairie)).toEqual([3, 1]);
    expect(ofSite(march, world.bronMediatheque)).toEqual([1, 1]);
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
    const referent = await anOperator(world.server, 'bron', { role: 'commune-referent', communes: ['bron'] });
    const report = await get(`/reports/usage?month=${month}`, referent.bearer);
    expect(report.communes.map((c: { commune: string }) => c.commune)).toEqual(['bron']);
    expect(new Set(report.clients.map((c: { commune: string }) => c.commune))).toEqual(new Set(['bron']));
    expect(figures(report, 'bron')).toEqual([3, 2, 1]);
  });
});

describe("contributions after the convention's grid", () => {
  // The seed's table (€ TTC per year), read with the rule decided for its edges: a population exactly on an
  // edge belongs to the lower bracket. [population, global offer, restricted offer]
  const EDGES: [number, number, number][] = [
    [4_999, 1_800, 1_400],
    [5_000, 1_800, 1_400],
    [5_001, 5_400, 4_200],
    [9_999, 5_400, 4_200],
    [10_000, 5_400, 4_200],
    [10_001, 8_400, 6_500],
    [19_999, 8_400, 6_500],
    [20_000, 8_400, 6_500],
    [20_001, 10_800, 8_400],
    [39_999, 10_800, 8_400],
    [40_000, 10_800, 8_400],
    [40_001, 14_000, 10_800],
    [79_999, 14_000, 10_800],
    [80_000, 14_000, 10_800],
    [80_001, 18_000, 14_000],
  ];
  // [slug, amount in 2019 (pilots: 50 % off), amount in 2020]
  const PILOT_AMOUNTS: [string, number, number][] = [
    ['bron', 7_000, 14_000],
    ['dardilly', 2_700, 5_400],
    ['lyon', 7_000, 14_000],
    ['oullins', 5_400, 10_800],
    ['vaulx-en-velin', 7_000, 14_000],
  ];

  beforeAll(async () => {
    for (const [population] of EDGES) {
      for (const offer of ['global', 'restricted']) {
        const created = await world.api.call(world.admin.bearer, 'POST', '/communes', {
          slug: `edge-${population}-${offer}`,
          name: `Commune de ${population} habitants`,
          population,
          offer,
        });
        expect(created.status).toBe(201);
      }
    }
    const unknown = await world.api.call(world.admin.bearer, 'POST', '/communes', { slug: 'sans-recensement', name: 'Sans recensement' });
    expect(unknown.status).toBe(201);
  });

  const amountsOf = (report: { communes: { commune: string; amount: number | null }[] }) =>
    Object.fromEntries(report.communes.map((c) => [c.commune, c.amount]));

  it('charges the five pilot communes half in 2019 and the full amount in 2020', async () => {
    const [in2019, in2020] = [
      amountsOf(await get('/reports/contributions?year=2019')),
      amountsOf(await get('/reports/contributions?year=2020')),
    ];
    expect(PILOT_AMOUNTS.map(([slug]) => [slug, in2019[slug], in2020[slug]])).toEqual(PILOT_AMOUNTS);
    const lyon = (await get('/reports/contributions?year=2019')).communes.find((c: { commune: string }) => c.commune === 'lyon');
    expect(lyon).toMatchObject({
      offer: 'restricted',
      pilot: true,
      population: 522_250,
      base_amount: 14_000,
      discount_percent: 50,
      amount: 7_000,
    });
  });

  it.each(EDGES)(
    "puts %i inhabitants in the seed's bracket: %i € global, %i € restricted, without pilot discount",
    async (population, global, restricted) => {
      for (const year of [2019, 2020]) {
        const amounts = amountsOf(await get(`/reports/contributions?year=${year}`));
        expect([amounts[`edge-${population}-global`], amounts[`edge-${population}-restricted`]]).toEqual([global, restricted]);
      }
    },
  );

  it('leaves a commune without population unpriced, outside the total', async () => {
    const report = await get('/reports/contributions?year=2020');
    expect(report.communes.find((c: { commune: string }) => c.commune === 'sans-recensement')).toMatchObject({
      population: null,
      bracket: null,
      amount: null,
    });
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
      ...api.communes.map((c: Record<string, unknown>) =>
        [year, c.commune, c.name, c.population, c.bracket, c.offer, c.pilot, c.base_amount, c.discount_percent, c.amount, 'EUR'].map(cell),
      ),
    ]);
  });
});
