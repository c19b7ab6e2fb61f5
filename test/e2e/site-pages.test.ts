// The site's own pages: a real home page at / instead of a 404, the footer's pages from the Markdown an
// operator edits under config/ (never raw HTML), a favicon, and the conventions every page carries.
import request from 'supertest';
import { anOidcWorld } from '../support/oidc-world.js';
import { loginPageAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';
import { infoPage } from '../../src/views/index.js';
import { createViews } from '../../src/views/index.js';
import { PROJECT_ROOT } from '../support/glc.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'oullins', name: 'Ville d’Oullins' }], clients: { site: {} } }));

describe('the site’s own pages', () => {
  it('answers / with a page naming the communes taking part and the way to the account', async () => {
    const response = await request(world.server.server).get('/');
    expect(response.status).toBe(200);
    expect(response.text).toContain('<html lang="fr">');
    expect(response.text).toContain('Ville d’Oullins');
    expect(response.text).toContain('href="/account?ui_locales=fr"');
    const english = await request(world.server.server).get('/?ui_locales=en');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('The communes taking part');
  });

  it.each([
    ['/accessibilite', 'Déclaration d’accessibilité', 'partiellement conforme'],
    ['/mentions-legales', 'Mentions légales', 'Éditeur'],
    ['/donnees-personnelles', 'Données personnelles', 'Responsable du traitement'],
    ['/aide', 'Aide et contact', 'code remis en mairie'],
  ])('serves %s from its Markdown under config/', async (path, title, text) => {
    const response = await request(world.server.server).get(path);
    expect(response.status).toBe(200);
    expect(response.text).toContain(`<h1>${title}</h1>`);
    expect(response.text).toContain(text);
    expect(response.text).toMatch(/<h2>[^<]+<\/h2>/);
  });

  it('renders Markdown without the raw HTML typed in it', () => {
    const page = createViews(PROJECT_ROOT).page('fr');
    const rendered = infoPage(page, 'Test', '## Titre\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>').toString();
    expect(rendered).toContain('<h2>Titre</h2>');
    expect(rendered).not.toContain('<script>alert');
    expect(rendered).not.toContain('<img');
    expect(rendered).toContain('&lt;script&gt;');
  });

  it('serves a favicon, and sends /favicon.ico to it', async () => {
    const icon = await request(world.server.server).get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    const ico = await request(world.server.server).get('/favicon.ico');
    expect([ico.status, ico.headers.location]).toEqual([301, '/favicon.svg']);
  });

  it('gives every page a skip link, the footer’s four links and the required-fields statement on forms', async () => {
    const login = await loginPageAt(world.site, new UserAgent(world.server.issuer));
    expect(login.html).toMatch(/<a class="skip-link" href="#main">Aller au contenu<\/a>/);
    expect(login.html).toContain('<main id="main"');
    for (const path of ['/accessibilite', '/mentions-legales', '/donnees-personnelles', '/aide'])
      expect(login.html).toContain(`href="${path}?ui_locales=fr"`);
    expect(login.html).toContain('Accessibilité : partiellement conforme');
    expect(login.html).toContain('Tous les champs sont obligatoires, sauf mention contraire.');
  });
});
