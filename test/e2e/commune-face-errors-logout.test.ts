// The commune's face beyond the sign-in: the logout pages and the error pages of a flow from an Oullins site
// show the site, the commune, its logo and a way back; an error page says whom to contact (the commune's
// help contact, else our help page) with the code small; a client_id nobody registered wears no face and
// is drawn nowhere; consent links to the site's privacy policy and lists exactly what will be released.
import { aPng } from '../support/images.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, loginPageAt, oidc, signInAt, startAuthorization } from '../support/relying-party.js';
import { expectPage } from '../support/second-factor.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'oullins', name: 'Oullins' },
      { slug: 'bron', name: 'Bron' },
    ],
    clients: {
      oullinsFr: { name: 'oullins.fr', commune: 'oullins', postLogoutRedirectUris: ['https://www.oullins.fr/au-revoir'] },
      bronFr: { name: 'bron.fr', commune: 'bron' },
    },
    accounts: { citizen: {}, newcomer: {} },
  }),
);

const HELP_CONTACT = 'Accueil de la mairie, 04 72 39 73 73';
const FACE = '<span class="site-name">oullins.fr</span> — Ville d’Oullins';
const BACK = '<a href="https://www.oullins.fr/">Retour à oullins.fr</a>';

beforeAll(async () => {
  await world.server.registry.setCommuneIdentity('oullins', {
    displayName: 'Ville d’Oullins',
    mainColor: '#0B4F9C',
    websiteUrl: 'https://www.oullins.fr/',
    privacyUrl: 'https://www.oullins.fr/donnees-personnelles',
    helpContact: HELP_CONTACT,
  });
  await world.server.registry.setCommuneLogo('oullins', aPng(32, 32));
});

/** The logo the page shows answers as an image (not only its markup: the path is the one served). */
async function expectServedLogo(page: Page): Promise<void> {
  const logo = /<img class="commune-logo" src="([^"]+)"/.exec(page.html)?.[1];
  expect(logo).toMatch(/^\/communes\/oullins\/logo\?v=[0-9a-f]{16}$/);
  const image = await fetch(`${world.server.issuer}${logo}`);
  expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
}

/** The Oullins citizen's logout confirmation, asked by oullins.fr with its id_token_hint. */
async function logoutConfirmation(agent: UserAgent, extra: Record<string, string> = {}): Promise<Page> {
  const { config, tokens } = await signInAt(world.oullinsFr, agent, world.citizen);
  const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, ...extra });
  return expectPage(await agent.navigate(url.toString()));
}

function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('the logout pages wear the face of the site that asked the logout', () => {
  it('shows the site, the commune, its logo and a way back on the confirmation page', async () => {
    const confirmation = await logoutConfirmation(new UserAgent(world.server.issuer));
    expect(confirmation.html).toContain('op.logoutForm');
    expect(confirmation.html).toContain(FACE);
    expect(confirmation.html).toContain(BACK);
    expect(confirmation.html).toContain('/communes/oullins/theme.css');
    await expectServedLogo(confirmation);
  });

  it('keeps it on the "signed out" page, whose way back leads to the site', async () => {
    const agent = new UserAgent(world.server.issuer);
    const confirmation = await logoutConfirmation(agent);
    const done = await expectPage(await agent.submit(confirmation, { logout: 'yes' }));
    expect(done.html).toContain('Vous êtes déconnecté');
    expect(done.html).toContain(FACE);
    expect(done.html).toContain(BACK);
    await expectServedLogo(done);
    const back = await fetch(`${world.server.issuer}/session/end/success?client_id=${world.oullinsFr.clientId}`);
    expect(await back.text()).toContain(BACK);
  });

  it('also when the citizen stays signed in elsewhere ("no")', async () => {
    const agent = new UserAgent(world.server.issuer);
    const done = await expectPage(await agent.submit(await logoutConfirmation(agent), {}));
    expect(done.html).toContain('Vous êtes déconnecté');
    expect(done.html).toContain(FACE);
  });

  it('leaves a logout that goes back to the site to the site', async () => {
    const agent = new UserAgent(world.server.issuer);
    const confirmation = await logoutConfirmation(agent, { post_logout_redirect_uri: 'https://www.oullins.fr/au-revoir' });
    const after = await agent.submit(confirmation, { logout: 'yes' });
    expect(after).toEqual({ leftTo: 'https://www.oullins.fr/au-revoir' });
  });

  it('draws the plain header for a site of a commune without identity', async () => {
    const agent = new UserAgent(world.server.issuer);
    const { config, tokens } = await signInAt(world.bronFr, agent, world.citizen);
    const confirmation = await expectPage(
      await agent.navigate(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).toString()),
    );
    expect(confirmation.html).toContain('<span class="site-name">bron.fr</span> — Bron');
    expect(confirmation.html).not.toContain('Ville d’Oullins');
    expect(confirmation.html).not.toContain('Retour à');
  });
});

describe('the error pages say whom to contact', () => {
  it('wears the face of the site an authorization came from, names its help contact and shows the code small', async () => {
    const config = await discover(world.server.issuer, world.oullinsFr);
    const attempt = await startAuthorization(config, { ...world.oullinsFr, redirectUri: 'https://evil.example/cb' });
    const refused = await new UserAgent(world.server.issuer).navigate(attempt.url);
    if (!isPage(refused)) throw new Error(`redirected to ${refused.leftTo}`);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(FACE);
    expect(refused.html).toContain(BACK);
    expect(refused.html).toContain(`<p class="help-contact">${HELP_CONTACT}</p>`);
    expect(refused.html).toContain('<p class="error-code">Code d’erreur : <code>invalid_redirect_uri</code></p>');
    expect(/<h1>([^<]*)<\/h1>/.exec(refused.html)?.[1]).toBe('Une erreur est survenue');
    expect(refused.html).not.toContain('evil.example');
    await expectServedLogo(refused);
  });

  it('wears it on our own error pages of a flow too (a login form whose anti-forgery token is wrong)', async () => {
    const agent = new UserAgent(world.server.issuer);
    const login = await loginPageAt(world.oullinsFr, agent);
    const refused = await expectPage(await agent.submit(login, { email: world.citizen.email, password: 'x', _csrf: 'forged' }));
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Le formulaire a expiré');
    expect(refused.html).toContain(FACE);
    expect(refused.html).toContain(`<p class="help-contact">${HELP_CONTACT}</p>`);
    expect(refused.html).toContain('<p class="error-code">Code d’erreur : <code>csrf</code></p>');
  });

  it('sends to our help page when no site is known, in English too', async () => {
    const agent = new UserAgent(world.server.issuer);
    agent.acceptLanguage = 'en';
    const unknown = await agent.navigate('/nowhere');
    if (!isPage(unknown)) throw new Error('expected a page');
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('<a href="/aide?ui_locales=en">');
    expect(unknown.html).toContain('Need help?');
    expect(unknown.html).toContain('<p class="error-code">Error code : <code>not_found</code></p>');
    expect(unknown.html).not.toContain('help-contact');
    expect(unknown.html).not.toContain('commune-face');
  });

  it('shows no face for a client_id nobody registered, and draws nothing of it', async () => {
    const agent = new UserAgent(world.server.issuer);
    const forged = encodeURIComponent('<b>evil-site</b>');
    for (const path of [
      `/auth?client_id=${forged}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://www.oullins.fr/cb')}`,
      `/session/end?client_id=${forged}`,
      `/session/end/success?client_id=${forged}`,
    ]) {
      const page = await agent.navigate(path);
      if (!isPage(page)) throw new Error(`redirected to ${page.leftTo}`);
      expect({ path, status: page.status }).toEqual({ path, status: 400 });
      expect(page.html).toContain('<code>invalid_client</code>');
      expect(page.html).not.toContain('evil');
      expect(page.html).not.toContain('commune-face');
      expect(page.html).toContain('<a href="/aide?ui_locales=fr">');
    }
  });
});

describe('consent', () => {
  it('links to the site’s privacy policy and lists exactly what the site asked for', async () => {
    const agent = new UserAgent(world.server.issuer);
    const login = await loginPageAt(world.oullinsFr, agent, { scope: 'openid email' });
    const consent = await expectPage(await agent.submit(login, { email: world.newcomer.email, password: world.newcomer.password }));
    expect(consent.html).toContain('value="allow"');
    expect(consent.html).toContain(
      '<a href="https://www.oullins.fr/donnees-personnelles">Lire la politique de confidentialité de oullins.fr</a>',
    );
    const listed = /<ul class="panel">([\s\S]*?)<\/ul>/.exec(consent.html)?.[1] ?? '';
    expect([...listed.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((item) => textOf(item[1] ?? ''))).toEqual(['votre adresse électronique']);
  });

  it('links to no privacy policy for a site whose commune gave none', async () => {
    const agent = new UserAgent(world.server.issuer);
    const login = await loginPageAt(world.bronFr, agent);
    const consent = await expectPage(await agent.submit(login, { email: world.newcomer.email, password: world.newcomer.password }));
    expect(consent.html).toContain('value="allow"');
    expect(consent.html).not.toContain('politique de confidentialité');
    const listed = /<ul class="panel">([\s\S]*?)<\/ul>/.exec(consent.html)?.[1] ?? '';
    expect([...listed.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((item) => textOf(item[1] ?? ''))).toEqual([
      'vos nom et prénom',
      'votre adresse électronique',
    ]);
  });
});
