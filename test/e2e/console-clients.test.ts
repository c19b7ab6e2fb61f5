// The console's pages for a commune's clients: a referent of Oullins registers a site (its secret shown once,
// on that answer only), changes its addresses (a bad one gives the form back, values kept, the error on its
// field), disables and enables it, rotates its secret, issues the commune's registration token and deletes
// the site after a confirmation. Lyon's clients stay out of reach, forms need the CSRF token, and a first-party
// client is the Métropole's alone. The API's new route (the registration token) is tested through the API too.
import request from 'supertest';
import { aClient } from '../support/builders.js';
import { anOperatorPerson, consolePage } from '../support/console.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { formsOf, isPage, type Page, type UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'oullins', name: 'Oullins' },
      { slug: 'lyon', name: 'Lyon' },
    ],
    accounts: { referent: {} },
    operators: { oullinsTool: { role: 'commune-referent', communes: ['oullins'] } },
  }),
);

let agent: UserAgent;
const CLIENTS = '/admin/communes/oullins/clients';

beforeAll(async () => {
  await anOperatorPerson(world.server, world.referent, 'commune-referent', ['oullins']);
  ({ agent } = await consolePage(world.server, world.referent, CLIENTS));
});

async function open(path: string): Promise<Page> {
  const page = await agent.navigate(path);
  if (!isPage(page)) throw new Error(`${path} left to ${page.leftTo}`);
  return page;
}

/** The index of the form posting to `action` (the frame's sign-out form comes first on every page). */
function formTo(page: Page, action: string): number {
  const index = formsOf(page.html).findIndex((f) => f.action === action);
  if (index < 0) throw new Error(`no form to ${action} on ${page.url}`);
  return index;
}

/** The console's CSRF token, as any of its pages carries it. */
const csrfOf = (page: Page) => formsOf(page.html)[0]!.fields._csrf!;

/** The option a browser would send for a list: the selected one (the test agent reads inputs only). */
const selectedOf = (page: Page, name: string) =>
  new RegExp(`<select id="field-${name}" name="${name}"[^>]*>[\\s\\S]*?<option value="([^"]*)" selected>`).exec(page.html)?.[1] ?? '';

const secretsOn = (html: string) => [...html.matchAll(/<code class="secret-once">([^<]+)<\/code>/g)].map((m) => m[1]!);

/** Registers a site through the console's form; answers the response page and the client and secret it shows. */
async function registerThroughConsole(fields: Record<string, string>) {
  const form = await open(`${CLIENTS}/new`);
  const response = await agent.submitOnce(form, { grant_types: 'authorization_code', ...fields }, formTo(form, CLIENTS));
  const html = await response.text();
  const [clientId, secret] = secretsOn(html);
  return { response, html, clientId: clientId!, secret };
}

const countClients = async (commune: string) => (await world.server.registry.listClients(commune)).length;

describe("a commune's clients in the console", () => {
  it('registers a site and shows its secret once, with no-store; later pages never show it', async () => {
    const { response, html, clientId, secret } = await registerThroughConsole({
      client_name: 'Démarches Oullins',
      redirect_uris: 'https://demarches.oullins.fr/cb\r\nhttps://demarches.oullins.fr/cb2',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('Copiez ce secret maintenant : il ne sera plus jamais affiché.');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const stored = await world.server.registry.getClient(clientId);
    expect(stored.communeSlug).toBe('oullins');
    expect(stored.metadata.redirect_uris).toEqual(['https://demarches.oullins.fr/cb', 'https://demarches.oullins.fr/cb2']);
    // glc client add's defaults: confidential, pairwise.
    expect(stored.metadata.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(stored.metadata.subject_type).toBe('pairwise');

    const list = await open(CLIENTS);
    expect(list.html).toContain(`href="${CLIENTS}/${clientId}">Démarches Oullins</a>`);
    const detail = await open(`${CLIENTS}/${clientId}`);
    expect(detail.html).toContain('Secret actuel : en service.');
    for (const page of [list, detail, await open(`${CLIENTS}/${clientId}/secret`), await open(`${CLIENTS}/${clientId}/delete`)]) {
      expect(page.html).not.toContain(secret);
    }
  });

  it('changes the redirect URIs, and gives a bad one back on its field with the values kept (400)', async () => {
    const { clientId } = await registerThroughConsole({ client_name: 'Médiathèque', redirect_uris: 'https://bm.oullins.fr/cb' });
    const path = `${CLIENTS}/${clientId}`;
    const detail = await open(path);
    const saved = await agent.submit(
      detail,
      { client_name: 'Médiathèque', redirect_uris: 'https://bm.oullins.fr/retour', scope: 'openid' },
      formTo(detail, path),
    );
    if (!isPage(saved)) throw new Error('expected the client page');
    expect(saved.url).toBe(`${world.server.issuer}${path}?done=updated`);
    expect(saved.html).toContain('Les modifications sont enregistrées.');
    expect((await world.server.registry.getClient(clientId)).metadata.redirect_uris).toEqual(['https://bm.oullins.fr/retour']);

    for (const [bad, message] of [
      ['http://bm.oullins.fr/retour', 'Cette adresse doit utiliser https'],
      ['https://bm.oullins.fr/retour#haut', 'Une adresse ne doit pas contenir de fragment'],
    ] as const) {
      const refused = await agent.submitOnce(
        detail,
        { client_name: 'Médiathèque renommée', redirect_uris: bad, scope: 'openid' },
        formTo(detail, path),
      );
      expect(refused.status).toBe(400);
      const html = await refused.text();
      expect(html).toMatch(/<p class="field-error" id="field-redirect_uris-error">[^<]*/);
      expect(html).toContain(message);
      expect(html).toMatch(
        /<textarea id="field-redirect_uris" name="redirect_uris" rows="4" aria-describedby="field-redirect_uris-hint field-redirect_uris-error" aria-invalid="true">/,
      );
      expect(html).toContain(`>${bad}</textarea>`);
      expect(html).toContain('value="Médiathèque renommée"');
    }
    expect((await world.server.registry.getClient(clientId)).metadata.redirect_uris).toEqual(['https://bm.oullins.fr/retour']);
  });

  it('gives the registration form back on a bad URI, values kept (400), and registers nothing', async () => {
    const before = await countClients('oullins');
    const { response, html } = await registerThroughConsole({ client_name: 'Piscine', redirect_uris: 'http://piscine.oullins.fr/cb' });
    expect(response.status).toBe(400);
    expect(html).toContain('id="field-redirect_uris-error"');
    expect(html).toContain('>http://piscine.oullins.fr/cb</textarea>');
    expect(html).toContain('value="Piscine"');
    expect(await countClients('oullins')).toBe(before);
  });

  it('disables and enables a site by its buttons', async () => {
    const { clientId } = await registerThroughConsole({ client_name: 'Crèches', redirect_uris: 'https://creches.oullins.fr/cb' });
    const path = `${CLIENTS}/${clientId}`;
    const detail = await open(path);
    const disabled = await agent.submit(detail, {}, formTo(detail, `${path}/disable`));
    if (!isPage(disabled)) throw new Error('expected the client page');
    expect(disabled.html).toContain('Le site est désactivé.');
    expect((await world.server.registry.getClient(clientId)).isEnabled).toBe(false);
    expect((await open(CLIENTS)).html).toMatch(
      new RegExp(`${clientId}</code></td><td>[^<]*</td><td><span class="status">Désactivé</span>`),
    );
    const enabled = await agent.submit(disabled, {}, formTo(disabled, `${path}/enable`));
    if (!isPage(enabled)) throw new Error('expected the client page');
    expect(enabled.html).toContain('Le site est réactivé.');
    expect((await world.server.registry.getClient(clientId)).isEnabled).toBe(true);
  });

  it('deletes a site only after its confirmation page', async () => {
    const { clientId } = await registerThroughConsole({ client_name: 'Ancien site', redirect_uris: 'https://ancien.oullins.fr/cb' });
    const confirmation = await open(`${CLIENTS}/${clientId}/delete`);
    expect(confirmation.html).toContain('Supprimer Ancien site ?');
    await expect(world.server.registry.getClient(clientId)).resolves.toBeDefined();
    const done = await agent.submit(confirmation, {}, formTo(confirmation, `${CLIENTS}/${clientId}/delete`));
    if (!isPage(done)) throw new Error('expected the list');
    expect(done.url).toBe(`${world.server.issuer}${CLIENTS}?done=deleted`);
    expect(done.html).toContain('Le site est supprimé.');
    await expect(world.server.registry.getClient(clientId)).rejects.toMatchObject({ code: 'client_not_found' });
  });

  it('rotates the secret with the default overlap: the new one shown once, the detail page says when the old one stops', async () => {
    const { clientId, secret } = await registerThroughConsole({
      client_name: 'Portail famille',
      redirect_uris: 'https://famille.oullins.fr/cb',
    });
    const form = await open(`${CLIENTS}/${clientId}/secret`);
    expect(form.html).toContain('<option value="604800" selected>7 jours</option>');
    const response = await agent.submitOnce(
      form,
      { overlap_seconds: selectedOf(form, 'overlap_seconds') },
      formTo(form, `${CLIENTS}/${clientId}/secret`),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    const [, fresh] = secretsOn(html);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(fresh).not.toBe(secret);
    const stored = await world.server.pool.query<{ until: boolean }>(
      `select previous_secret_expires_at between now() + interval '7 days' - interval '1 minute' and now() + interval '7 days' as until
       from clients where client_id = $1`,
      [clientId],
    );
    expect(stored.rows[0]!.until).toBe(true);
    const detail = await open(`${CLIENTS}/${clientId}`);
    expect(detail.html).toContain('Secret actuel : en service.');
    expect(detail.html).toContain('Ancien secret valable jusqu’au');
    expect(detail.html).not.toContain(fresh);
  });

  it('refuses an overlap typed beyond 90 days on its field, values kept', async () => {
    const { clientId } = await registerThroughConsole({ client_name: 'Bibliothèque', redirect_uris: 'https://bib.oullins.fr/cb' });
    const form = await open(`${CLIENTS}/${clientId}/secret`);
    const refused = await agent.submitOnce(form, { overlap_days: '365' }, formTo(form, `${CLIENTS}/${clientId}/secret`));
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('id="field-overlap_days-error"');
    expect(html).toContain('value="365"');
    const stored = await world.server.pool.query('select previous_secret_expires_at from clients where client_id = $1', [clientId]);
    expect(stored.rows[0].previous_secret_expires_at).toBeNull();
  });

  it("issues the commune's initial access token once, with which a site registers itself into Oullins", async () => {
    const form = await open(`${CLIENTS}/registration-token`);
    expect(selectedOf(form, 'ttl_seconds')).toBe('604800');
    const response = await agent.submitOnce(
      form,
      { ttl_seconds: selectedOf(form, 'ttl_seconds') },
      formTo(form, `${CLIENTS}/registration-token`),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const [token] = secretsOn(await response.text());
    const registered = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${token}`)
      .send({ client_name: 'Inscrit seul', redirect_uris: ['https://seul.oullins.fr/cb'] });
    expect(registered.status).toBe(201);
    expect(registered.body.commune).toBe('oullins');
    expect((await open(`${CLIENTS}/registration-token`)).html).not.toContain(token);
  });
});

describe('what a referent of Oullins may not do', () => {
  it("neither lists nor opens Lyon's clients (403 and 404 as readable pages)", async () => {
    const lyonSite = await aClient(world.server.registry, 'lyon', { name: 'lyon.fr' });
    const lyonList = await open('/admin/communes/lyon/clients');
    expect(lyonList.status).toBe(403);
    expect(lyonList.html).toContain('Vous n’êtes pas autorisé à faire cela.');
    expect(lyonList.html).not.toContain(lyonSite.clientId);
    for (const path of [
      `/admin/communes/lyon/clients/${lyonSite.clientId}`,
      `/admin/communes/lyon/clients/new`,
      `/admin/communes/lyon/clients/${lyonSite.clientId}/secret`,
    ]) {
      expect((await open(path)).status).toBe(403);
    }
    // Through Oullins' path, Lyon's client is simply not there.
    const sideways = await open(`${CLIENTS}/${lyonSite.clientId}`);
    expect(sideways.status).toBe(404);
    expect(sideways.html).not.toContain('lyon.fr');
    expect((await open(CLIENTS)).html).not.toContain(lyonSite.clientId);
  });

  it("changes nothing of Lyon's with a valid CSRF token, and registers nothing in Lyon", async () => {
    const lyonSite = await aClient(world.server.registry, 'lyon', { name: 'lyon.fr' });
    const csrf = csrfOf(await open(CLIENTS));
    const lyonPath = `/admin/communes/lyon/clients/${lyonSite.clientId}`;
    for (const [path, form] of [
      [`${lyonPath}/disable`, {}],
      [`${lyonPath}/delete`, {}],
      [`${lyonPath}/secret`, { overlap_seconds: '0' }],
      [lyonPath, { client_name: 'Détourné', redirect_uris: 'https://evil.example/cb', scope: 'openid' }],
      [`${CLIENTS}/${lyonSite.clientId}/disable`, {}],
    ] as const) {
      const refused = await agent.request(path, { method: 'POST', form: { _csrf: csrf, ...form } });
      expect([403, 404]).toContain(refused.status);
      expect(await refused.text()).toMatch(/Vous n’êtes pas autorisé à faire cela\.|Ce site ou ce service n’existe pas\./);
    }
    const after = await world.server.registry.getClient(lyonSite.clientId);
    expect(after.isEnabled).toBe(true);
    expect(after.metadata.client_name).toBe('lyon.fr');
    expect(after.previousSecretExpiresAt).toBeUndefined();

    const before = await countClients('lyon');
    const created = await agent.request('/admin/communes/lyon/clients', {
      method: 'POST',
      form: { _csrf: csrf, client_name: 'Intrus', redirect_uris: 'https://intrus.example/cb' },
    });
    expect(created.status).toBe(403);
    expect(await countClients('lyon')).toBe(before);
    const token = await agent.request('/admin/communes/lyon/clients/registration-token', {
      method: 'POST',
      form: { _csrf: csrf, ttl_seconds: '86400' },
    });
    expect(token.status).toBe(403);
  });

  it('refuses a form posted without the CSRF token (403)', async () => {
    const before = await countClients('oullins');
    const forged = await agent.request(CLIENTS, {
      method: 'POST',
      form: { client_name: 'Sans jeton', redirect_uris: 'https://sans.oullins.fr/cb' },
    });
    expect(forged.status).toBe(403);
    expect(await countClients('oullins')).toBe(before);
    const { clientId } = await registerThroughConsole({ client_name: 'Gardé', redirect_uris: 'https://garde.oullins.fr/cb' });
    const wrong = await agent.request(`${CLIENTS}/${clientId}/disable`, { method: 'POST', form: { _csrf: 'forged' } });
    expect(wrong.status).toBe(403);
    expect((await world.server.registry.getClient(clientId)).isEnabled).toBe(true);
  });

  it('is refused a first-party client, the refusal on that field, and the form has no such box for them', async () => {
    const form = await open(`${CLIENTS}/new`);
    expect(form.html).not.toContain('name="first_party"');
    const before = await countClients('oullins');
    const { response, html } = await registerThroughConsole({
      client_name: 'Sans consentement',
      redirect_uris: 'https://sans.oullins.fr/cb',
      first_party: 'on',
    });
    expect(response.status).toBe(403);
    expect(html).toMatch(/<p class="field-error" id="field-first_party-error">Vous n’êtes pas autorisé à faire cela\./);
    expect(html).toContain('aria-invalid="true" aria-describedby="field-first_party-hint field-first_party-error"');
    expect(html).toContain('value="Sans consentement"');
    expect(await countClients('oullins')).toBe(before);
  });
});

describe("the API's initial access token for a commune", () => {
  it('issues a token that registers into the commune, audited without the token', async () => {
    const issued = await world.api.call(world.oullinsTool.bearer, 'POST', '/communes/oullins/registration-tokens', { ttl_seconds: 3600 });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ commune: 'oullins', registration_endpoint: `${world.server.issuer}/reg` });
    expect(Date.parse(issued.body.expires_at as string)).toBeGreaterThan(Date.now() + 3500_000);
    const token = issued.body.initial_access_token as string;
    const registered = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${token}`)
      .send({ redirect_uris: ['https://api-seul.oullins.fr/cb'] });
    expect(registered.status).toBe(201);
    expect(registered.body.commune).toBe('oullins');
    const audit = await world.server.pool.query<{ row: string }>(
      "select row_to_json(a)::text as row from audit_log a where action = 'commune.registration_token_issued' and commune_slug = 'oullins'",
    );
    expect(audit.rowCount).toBeGreaterThan(0);
    for (const { row } of audit.rows) expect(row).not.toContain(token);
  });

  it("refuses a lifetime outside the configured bounds on its field, and Lyon's token to Oullins' referent", async () => {
    const tooLong = await world.api.call(world.oullinsTool.bearer, 'POST', '/communes/oullins/registration-tokens', {
      ttl_seconds: 999_999_999,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: 'registration_token_ttl_invalid', field: 'ttl_seconds' });
    const lyon = await world.api.call(world.oullinsTool.bearer, 'POST', '/communes/lyon/registration-tokens', {});
    expect(lyon.status).toBe(403);
  });
});
