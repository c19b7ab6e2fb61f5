// The console's commune pages: an operator sees only the communes they manage, the Métropole alone changes
// a commune's details, whoever manages it sets its identity and its logo (uploaded as a file, its type read
// from its bytes by the domain), and every refusal lands on its field with the values kept.
import { anAccount } from '../support/builders.js';
import { consolePage, anOperatorPerson } from '../support/console.js';
import { aPng, anHtmlPage, anSvg } from '../support/images.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { formsOf, isPage, type Page, type UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'oullins', name: 'Oullins' },
      { slug: 'lyon', name: 'Lyon' },
    ],
    accounts: { referent: {}, admin: {} },
  }),
);

beforeAll(async () => {
  await anOperatorPerson(world.server, world.referent, 'commune-referent', ['oullins']);
  await anOperatorPerson(world.server, world.admin, 'metropole-admin');
});

const FORBIDDEN = 'Vous n’êtes pas autorisé à faire cela.';

function asPage(result: Page | { leftTo: string }): Page {
  if (!isPage(result)) throw new Error(`left the provider for ${result.leftTo}`);
  return result;
}

/** The index of the form posting to `action` on the page. */
function formTo(page: Page, action: string): number {
  const index = formsOf(page.html).findIndex((form) => form.action === action);
  if (index < 0) throw new Error(`no form to ${action} on ${page.url}`);
  return index;
}

const csrfOf = (page: Page) => formsOf(page.html).find((form) => form.fields._csrf)!.fields._csrf!;

/** Posts the logo form as a browser does: multipart/form-data with the CSRF field and the file. */
async function postLogo(agent: UserAgent, slug: string, file: { bytes: Buffer; name: string; type: string }, csrf: string | undefined) {
  const form = new FormData();
  if (csrf !== undefined) form.append('_csrf', csrf);
  form.append('logo', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return fetch(`${world.server.issuer}/admin/communes/${slug}/logo`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: {
      cookie: [...agent.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      accept: 'text/html',
      'accept-language': 'fr-FR',
    },
  });
}

describe('the list and details of communes', () => {
  it('shows a referent of Oullins Oullins and not Lyon, without the form adding a commune', async () => {
    const { page } = await consolePage(world.server, world.referent, '/admin/communes');
    expect(page.status).toBe(200);
    expect(page.html).toContain('href="/admin/communes/oullins"');
    expect(page.html).not.toContain('href="/admin/communes/lyon"');
    expect(formsOf(page.html).some((form) => form.action === '/admin/communes')).toBe(false);
  });

  it('refuses a referent of Oullins Lyon’s pages with a readable 403 page', async () => {
    const { agent } = await consolePage(world.server, world.referent, '/admin/communes');
    for (const path of ['/admin/communes/lyon', '/admin/communes/lyon/identity', '/admin/communes/lyon/logo/remove']) {
      const page = asPage(await agent.navigate(path));
      expect(page.status).toBe(403);
      expect(page.html).toContain(FORBIDDEN);
      expect(page.html).not.toContain('/communes/lyon/clients');
    }
  });

  it('shows the commune’s details, its identity and the way to its sites', async () => {
    await world.server.registry.updateCommune('oullins', { inseeCode: '69149', population: 26_000, isPilot: true });
    const { page } = await consolePage(world.server, world.referent, '/admin/communes/oullins');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Oullins</h1>');
    expect(page.html).toContain('69149');
    expect(page.html).toMatch(/26\s000/u);
    expect(page.html).toContain('href="/admin/communes/oullins/clients"');
    expect(page.html).toContain('href="/admin/communes/oullins/identity"');
    // Changing the details is the Métropole's: a referent is not offered it.
    expect(page.html).not.toContain('href="/admin/communes/oullins/edit"');
  });
});

describe('the details of a commune, changed by the Métropole only', () => {
  it('refuses a referent the form and the change, even with a valid CSRF token', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const form = asPage(await agent.navigate('/admin/communes/oullins/edit'));
    expect(form.status).toBe(403);
    expect(form.html).not.toContain('name="population"');
    const before = (await world.server.registry.getCommune('oullins')).population;
    const forged = await agent.request('/admin/communes/oullins/edit', {
      method: 'POST',
      form: { _csrf: csrfOf(page), name: 'Oullins', population: '1', offer: 'global' },
    });
    expect(forged.status).toBe(403);
    expect((await world.server.registry.getCommune('oullins')).population).toBe(before);
  });

  it('lets a metropole-admin change the population', async () => {
    const { page, agent } = await consolePage(world.server, world.admin, '/admin/communes/oullins/edit');
    expect(page.status).toBe(200);
    const done = asPage(await agent.submit(page, { population: '26500' }, formTo(page, '/admin/communes/oullins/edit')));
    expect(new URL(done.url).pathname).toBe('/admin/communes/oullins');
    expect(done.html).toContain('La fiche de la commune a été enregistrée.');
    expect(done.html).toMatch(/26\s500/u);
    expect((await world.server.registry.getCommune('oullins')).population).toBe(26_500);
  });

  it('shows a population that is not a number on its field, the values kept', async () => {
    const { page, agent } = await consolePage(world.server, world.admin, '/admin/communes/oullins/edit');
    const again = asPage(
      await agent.submit(page, { population: 'beaucoup', name: 'Oullins (69)' }, formTo(page, '/admin/communes/oullins/edit')),
    );
    expect(again.status).toBe(400);
    expect(again.html).toMatch(/<p class="field-error" id="field-population-error">[^<]+<\/p>/);
    expect(again.html).toMatch(
      /id="field-population"[^>]*value="beaucoup"[^>]*aria-describedby="[^"]*field-population-error"[^>]*aria-invalid="true"/,
    );
    expect(again.html).toContain('value="Oullins (69)"');
    expect((await world.server.registry.getCommune('oullins')).name).toBe('Oullins');
  });

  it('lets a metropole-admin add a commune, and shows a taken slug on its field', async () => {
    const { page, agent } = await consolePage(world.server, world.admin, '/admin/communes');
    const create = formTo(page, '/admin/communes');
    const added = asPage(
      await agent.submit(page, { slug: 'bron', name: 'Bron', insee: '69029', population: '41000', offer: 'global' }, create),
    );
    expect(new URL(added.url).pathname).toBe('/admin/communes/bron');
    expect(added.html).toContain('La commune a été ajoutée.');
    expect((await world.server.registry.getCommune('bron')).population).toBe(41_000);

    const list = asPage(await agent.navigate('/admin/communes'));
    const twice = asPage(await agent.submit(list, { slug: 'bron', name: 'Bron bis' }, formTo(list, '/admin/communes')));
    expect(twice.status).toBe(409);
    expect(twice.html).toMatch(/id="field-slug"[^>]*value="bron"[^>]*aria-invalid="true"/);
    expect(twice.html).toContain('value="Bron bis"');
  });

  it('refuses a referent adding a commune', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const forged = await agent.request('/admin/communes', {
      method: 'POST',
      form: { _csrf: csrfOf(page), slug: 'saint-fons', name: 'Saint-Fons' },
    });
    expect(forged.status).toBe(403);
    expect((await world.server.registry.listCommunes()).some((c) => c.slug === 'saint-fons')).toBe(false);
  });
});

describe('the commune’s identity', () => {
  it('refuses a colour white text cannot be read on, on its field, the values kept', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const form = formTo(page, '/admin/communes/oullins/identity');
    const again = asPage(
      await agent.submit(page, { display_name: "Ville d'Oullins", color: '#FFFF00', website_url: 'https://www.ville-oullins.fr/' }, form),
    );
    expect(again.status).toBe(400);
    expect(again.html).toContain('<p class="field-error" id="field-color-error">Un texte blanc sur cette couleur serait trop peu lisible');
    expect(again.html).toMatch(
      /id="field-color"[^>]*value="#FFFF00"[^>]*aria-describedby="field-color-hint field-color-error"[^>]*aria-invalid="true"/,
    );
    expect(again.html).toContain('value="Ville d&#39;Oullins"');
    expect(again.html).toContain('value="https://www.ville-oullins.fr/"');
    expect((await world.server.registry.getCommune('oullins')).identity.displayName).toBeUndefined();
  });

  it('saves the identity that the citizen’s pages show', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const saved = asPage(
      await agent.submit(
        page,
        {
          display_name: "Ville d'Oullins",
          color: '#0b4f9c',
          website_url: 'https://www.ville-oullins.fr/',
          help_contact: 'Mairie, 04 72 39 73 73',
        },
        formTo(page, '/admin/communes/oullins/identity'),
      ),
    );
    expect(saved.html).toContain('L’identité de la commune a été enregistrée.');
    const { identity } = await world.server.registry.getCommune('oullins');
    expect(identity).toMatchObject({ displayName: "Ville d'Oullins", mainColor: '#0B4F9C', helpContact: 'Mairie, 04 72 39 73 73' });
    const details = asPage(await agent.navigate('/admin/communes/oullins'));
    expect(details.html).toContain('<code>#0B4F9C</code>');
  });

  it('refuses a referent of Oullins Lyon’s identity even with a valid CSRF token', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const forged = await agent.request('/admin/communes/lyon/identity', {
      method: 'POST',
      form: { _csrf: csrfOf(page), display_name: 'Pirate' },
    });
    expect(forged.status).toBe(403);
    expect((await world.server.registry.getCommune('lyon')).identity.displayName).toBeUndefined();
  });

  it('refuses an identity post without its CSRF token', async () => {
    const { agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const forged = await agent.request('/admin/communes/oullins/identity', { method: 'POST', form: { display_name: 'Pirate' } });
    expect(forged.status).toBe(403);
    expect((await world.server.registry.getCommune('oullins')).identity.displayName).not.toBe('Pirate');
  });
});

describe('the commune’s logo', () => {
  it('takes a real PNG uploaded as a file, shows it and serves it at the commune’s logo address', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.html).toContain('type="file" accept="image/png,image/jpeg,image/webp"');
    const png = aPng(24, 24);
    const answer = await postLogo(agent, 'oullins', { bytes: png, name: 'logo.png', type: 'image/png' }, csrfOf(page));
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/admin/communes/oullins/identity?done=logo_set');
    const shown = asPage(await agent.navigate('/admin/communes/oullins/identity?done=logo_set'));
    expect(shown.html).toContain('Le logo a été enregistré.');
    const src = /<img class="commune-logo" src="([^"]+)"/.exec(shown.html)?.[1];
    expect(src).toMatch(/^\/communes\/oullins\/logo\b/);
    const served = await fetch(`${world.server.issuer}${src!.replace(/&amp;/g, '&')}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
  });

  it.each([
    ['an SVG', anSvg(), 'logo.svg', 'image/svg+xml'],
    ['an HTML page named .png', anHtmlPage(), 'logo.png', 'image/png'],
  ])('refuses %s on the file field, by its content', async (_what, bytes, name, type) => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const before = (await world.server.registry.getCommune('oullins')).logo?.sha256;
    const answer = await postLogo(agent, 'oullins', { bytes, name, type }, csrfOf(page));
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain('<p class="field-error" id="field-logo-error">Le logo doit être une image PNG, JPEG ou WebP');
    expect(html).toMatch(/id="field-logo"[^>]*aria-describedby="field-logo-hint field-logo-error" aria-invalid="true"/);
    expect((await world.server.registry.getCommune('oullins')).logo?.sha256).toBe(before);
  });

  it('refuses a file larger than the API’s limit on the file field', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const large = Buffer.concat([aPng(), Buffer.alloc(46 * 1024)]);
    const answer = await postLogo(agent, 'oullins', { bytes: large, name: 'logo.png', type: 'image/png' }, csrfOf(page));
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('<p class="field-error" id="field-logo-error">Le logo est trop lourd.');
  });

  it('refuses an upload without its CSRF token (403), and Lyon’s logo to a referent of Oullins', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    const before = (await world.server.registry.getCommune('oullins')).logo?.sha256;
    const png = { bytes: aPng(2, 2, [0, 0, 0]), name: 'logo.png', type: 'image/png' };
    expect((await postLogo(agent, 'oullins', png, undefined)).status).toBe(403);
    expect((await postLogo(agent, 'oullins', png, 'forged')).status).toBe(403);
    expect((await world.server.registry.getCommune('oullins')).logo?.sha256).toBe(before);
    expect((await postLogo(agent, 'lyon', png, csrfOf(page))).status).toBe(403);
    expect((await world.server.registry.getCommune('lyon')).logo).toBeUndefined();
  });

  it('removes the logo after a confirmation page', async () => {
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/communes/oullins/identity');
    await postLogo(agent, 'oullins', { bytes: aPng(), name: 'logo.png', type: 'image/png' }, csrfOf(page));
    const confirm = asPage(await agent.navigate('/admin/communes/oullins/logo/remove'));
    expect(confirm.status).toBe(200);
    expect((await world.server.registry.getCommune('oullins')).logo).toBeDefined();
    expect((await agent.request('/admin/communes/oullins/logo/remove', { method: 'POST', form: {} })).status).toBe(403);
    const done = asPage(await agent.submit(confirm, {}, formTo(confirm, '/admin/communes/oullins/logo/remove')));
    expect(done.html).toContain('Le logo a été retiré.');
    expect((await world.server.registry.getCommune('oullins')).logo).toBeUndefined();
    expect((await fetch(`${world.server.issuer}/communes/oullins/logo`)).status).toBe(404);
  });
});

it('keeps a referent of Lyon out of Oullins’ pages', async () => {
  const stranger = await anOperatorPerson(world.server, await anAccount(world.server.accounts), 'commune-referent', ['lyon']);
  const { page, agent } = await consolePage(world.server, stranger, '/admin/communes');
  expect(page.html).not.toContain('href="/admin/communes/oullins"');
  expect(asPage(await agent.navigate('/admin/communes/oullins')).status).toBe(403);
});
