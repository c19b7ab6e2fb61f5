// The console's usage and contributions pages: the figures of real sign-ins at a commune's site drawn as
// bars whose values match the table beside them, twelve months ending with the one chosen; the year's
// contributions after the convention's grid and their CSV, the same as the API's; Lyon's figures refused
// to a referent of Oullins.
import { anOperatorPerson, consolePage } from '../support/console.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { registerAt, signInAt } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'oullins', name: 'Oullins', population: 26_000, offer: 'global', isPilot: true },
      { slug: 'lyon', name: 'Ville de Lyon', population: 522_250, offer: 'restricted', isPilot: true },
    ],
    clients: { oullinsSite: { name: 'oullins.fr' }, lyonSite: { name: 'lyon.fr', commune: 'lyon' } },
    accounts: { referent: {}, alice: {}, bob: {} },
    operators: { oullinsApi: { commune: 'oullins', role: 'commune-referent', communes: ['oullins'] } },
  }),
);

const thisMonth = new Date().toISOString().slice(0, 7);
const monthsAgo = (n: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 15)).toISOString().slice(0, 7);
};
let referent: UserAgent;

beforeAll(async () => {
  // This month, for real, at Oullins' site: Alice twice, Bob once, Carol registers there (a new account and
  // her first sign-in); at Lyon's, Bob once.
  await signInAt(world.oullinsSite, new UserAgent(world.server.issuer), world.alice);
  await signInAt(world.oullinsSite, new UserAgent(world.server.issuer), world.alice);
  const bobsBrowser = new UserAgent(world.server.issuer);
  await signInAt(world.oullinsSite, bobsBrowser, world.bob);
  await signInAt(world.lyonSite, bobsBrowser);
  await registerAt(world.server, world.oullinsSite, new UserAgent(world.server.issuer), { email: 'carol@example.org' });
  // Three months ago, seeded: two sign-ins of one citizen.
  for (const day of ['03', '20']) {
    await world.server.pool.query('insert into sign_ins (client_id, commune_slug, account_id, at) values ($1, $2, $3, $4)', [
      world.oullinsSite.clientId,
      'oullins',
      'seeded-citizen',
      `${monthsAgo(3)}-${day}T12:00:00Z`,
    ]);
  }
  await anOperatorPerson(world.server, world.referent, 'commune-referent', ['oullins']);
  referent = (await consolePage(world.server, world.referent)).agent;
});

async function open(path: string, agent = referent): Promise<Page> {
  const page = await agent.navigate(path);
  if (!isPage(page)) throw new Error(`expected a page at ${path}`);
  return page;
}

/** The table's figures by month: { '2026-03': [logins, citizens, new accounts] }. */
function tableOf(html: string): Record<string, number[]> {
  const rows = [...html.matchAll(/<tr data-month="(\d{4}-\d{2})">([\s\S]*?)<\/tr>/g)];
  return Object.fromEntries(rows.map((row) => [row[1]!, [...row[2]!.matchAll(/<td[^>]*>(\d+)<\/td>/g)].map((cell) => Number(cell[1]))]));
}

/** The bars of the chart `id`: their data-value in order. */
function barsOf(html: string, id: string): number[] {
  const svg = new RegExp(`<svg[^>]*aria-labelledby="${id}-title"[\\s\\S]*?</svg>`).exec(html)?.[0] ?? '';
  return [...svg.matchAll(/<rect class="bar"[^>]*data-value="(\d+)"/g)].map((match) => Number(match[1]));
}

describe('the usage page', () => {
  it("shows this month's sign-ins, active citizens and new accounts of the commune, in the table and as bars", async () => {
    const page = await open('/admin/usage');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Utilisation</h1>');
    const table = tableOf(page.html);
    expect(Object.keys(table)).toHaveLength(12);
    expect(Object.keys(table).at(-1)).toBe(thisMonth);
    expect(table[thisMonth]).toEqual([4, 3, 1]);
    expect(table[monthsAgo(3)]).toEqual([2, 1, 0]);
    expect(table[monthsAgo(1)]).toEqual([0, 0, 0]);
    const months = Object.keys(table);
    for (const [index, id] of ['chart-logins', 'chart-citizens', 'chart-newAccounts'].entries()) {
      expect(barsOf(page.html, id)).toEqual(months.map((m) => table[m]![index]));
    }
    expect(page.html).toMatch(/<svg[^>]* role="img" aria-labelledby="chart-logins-title" aria-describedby="chart-logins-desc"/);
    expect(page.html).not.toMatch(/\sstyle=/);
  });

  it('ends the twelve months with the month chosen', async () => {
    const page = await open(`/admin/usage?commune=oullins&month=${monthsAgo(3)}`);
    const table = tableOf(page.html);
    expect(Object.keys(table).at(-1)).toBe(monthsAgo(3));
    expect(table[monthsAgo(3)]).toEqual([2, 1, 0]);
    expect(table[thisMonth]).toBeUndefined();
    expect(page.html).toContain(`value="${monthsAgo(3)}"`);
  });

  it('shows the form again with the month kept and the error on its field for a month it cannot read', async () => {
    const page = await open('/admin/usage?commune=oullins&month=2026-13');
    expect(page.status).toBe(400);
    expect(page.html).toMatch(
      /<input id="field-month" name="month" type="month" value="2026-13" aria-describedby="field-month-hint field-month-error" aria-invalid="true">/,
    );
    expect(page.html).not.toContain('<svg');
  });

  it("refuses a referent of Oullins Lyon's figures", async () => {
    const page = await open('/admin/usage?commune=lyon');
    expect(page.status).toBe(403);
    expect(page.html).toMatch(/<select id="field-commune" name="commune" aria-describedby="field-commune-error" aria-invalid="true">/);
    expect(page.html).not.toContain('<svg');
    expect(page.html).not.toContain('Ville de Lyon');
  });
});

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

describe('the contributions page', () => {
  it("shows the year's contributions after the grid: bracket, offer, pilot discount, amount and total", async () => {
    const page = await open('/admin/contributions?year=2019');
    expect(page.status).toBe(200);
    const row = /<tr data-commune="oullins">([\s\S]*?)<\/tr>/.exec(page.html)?.[1] ?? '';
    const cells = [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!.replace(/\u202f|\u00a0/g, ' '));
    expect(cells).toEqual(['Oullins', '26 000', expect.any(String), 'Globale', 'Oui', '10 800,00 €', '50 %', '5 400,00 €']);
    expect(page.html).toContain('data-total="5400"');
    expect(page.html).not.toContain('data-commune="lyon"');
  });

  it('downloads the same figures as the API, as CSV', async () => {
    const report = (await world.api.call(world.oullinsApi.bearer, 'GET', '/reports/contributions?year=2020')).body;
    const response = await referent.request('/admin/contributions.csv?year=2020');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="contributions-2020.csv"');
    expect(parseCsv(await response.text())).toEqual([
      ['year', 'commune', 'name', 'population', 'bracket', 'offer', 'pilot', 'base_amount', 'discount_percent', 'amount', 'currency'],
      ...report.communes.map((c: Record<string, unknown>) =>
        ['2020', c.commune, c.name, c.population, c.bracket, c.offer, c.pilot, c.base_amount, c.discount_percent, c.amount, 'EUR'].map(
          String,
        ),
      ),
    ]);
    expect(report.communes.map((c: { commune: string }) => c.commune)).toEqual(['oullins']);
  });

  it('shows the form again with the year kept and the error on its field for a year it refuses', async () => {
    for (const year of ['deux-mille', '1999']) {
      const page = await open(`/admin/contributions?year=${year}`);
      expect(page.status).toBe(400);
      expect(page.html).toContain(`value="${year}" aria-describedby="field-year-hint field-year-error" aria-invalid="true"`);
      expect(page.html).not.toContain('<table');
    }
  });
});
