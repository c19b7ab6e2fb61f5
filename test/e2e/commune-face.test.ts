// The commune's face on the pages of a flow: a citizen coming from an Oullins site sees the site's and the
// commune's names, its logo and colour, and a way back to the site, on login, registration, consent and
// second-factor pages; a flow from a commune with no identity set keeps the plain GrandLyonConnect header.
import { mailsArrived, pageAt } from '../support/account-space.js';
import { anAccount } from '../support/builders.js';
import { aPng } from '../support/images.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { loginPageAt, registrationPageFrom } from '../support/relying-party.js';
import { expectPage, TestAuthenticator } from '../support/second-factor.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'oullins', name: 'Oullins' },
      { slug: 'bron', name: 'Bron' },
    ],
    clients: { oullinsFr: { name: 'oullins.fr', commune: 'oullins' }, bronFr: { name: 'bron.fr', commune: 'bron' } },
  }),
);

beforeAll(async () => {
  await world.server.registry.setCommuneIdentity('oullins', {
    displayName: 'Ville d’Oullins',
    mainColor: '#0B4F9C',
    websiteUrl: 'https://www.oullins.fr/',
    helpContact: 'Accueil de la mairie, 04 72 39 73 73',
  });
  await world.server.registry.setCommuneLogo('oullins', aPng(32, 32));
});

describe('the commune’s face on the flow’s pages', () => {
  it('shows the site, the commune, its logo and colour and a way back on the login page', async () => {
    const login = await loginPageAt(world.oullinsFr, new UserAgent(world.server.issuer));
    expect(login.html).toContain('<span class="site-name">oullins.fr</span> — Ville d’Oullins');
    const logo = /<img class="commune-logo" src="([^"]+)"/.exec(login.html)?.[1] ?? '';
    expect(logo).toMatch(/^\/communes\/oullins\/logo\?v=[0-9a-f]{16}$/);
    const image = await fetch(`${world.server.issuer}${logo}`);
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
    const theme = /<link rel="stylesheet" href="(\/communes\/oullins\/theme\.css[^"]*)"/.exec(login.html)?.[1] ?? '';
    const css = await fetch(`${world.server.issuer}${theme}`);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('#0B4F9C');
    expect(login.html).toContain('<a href="https://www.oullins.fr/">Retour à oullins.fr</a>');
  });

  it('keeps the face on the registration, second-factor and consent pages of the same flow', async () => {
    const agent = new UserAgent(world.server.issuer);
    const login = await loginPageAt(world.oullinsFr, agent);
    const register = await registrationPageFrom(agent, login);
    expect(register.html).toContain('Ville d’Oullins');
    const account = await anAccount(world.server.accounts);
    const started = await world.server.factors.startTotp(account.id, account.email);
    const app = new TestAuthenticator(started?.secret ?? '');
    await app.enrolWith((code) => world.server.factors.confirmTotp(account.id, code));
    const again = await loginPageAt(world.oullinsFr, agent);
    const step = await expectPage(await agent.submit(again, { email: account.email, password: account.password }));
    expect(step.url).toContain('/second-factor');
    expect(step.html).toContain('Ville d’Oullins');
    const consent = await expectPage(await agent.submit(step, { code: app.code() }));
    expect(consent.html).toContain('value="allow"');
    expect(consent.html).toContain('Ville d’Oullins');
  });

  it('keeps the plain header for a commune that set no identity, and gives no way back it does not know', async () => {
    const login = await loginPageAt(world.bronFr, new UserAgent(world.server.issuer));
    expect(login.html).toContain('<span class="site-name">bron.fr</span> — Bron');
    expect(login.html).not.toContain('commune-logo');
    expect(login.html).not.toContain('theme.css');
    expect(login.html).not.toContain('Retour à');
  });

  it('answers 404 for the colour of a commune without one, or of none', async () => {
    expect((await fetch(`${world.server.issuer}/communes/bron/theme.css`)).status).toBe(404);
    expect((await fetch(`${world.server.issuer}/communes/..%2Fetc/theme.css`)).status).toBe(404);
  });
});

describe('the password reset remembers the site it started from', () => {
  it('wears the commune’s face from the login page’s link to the end, and ends with a way back to the site', async () => {
    const account = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const login = await loginPageAt(world.oullinsFr, agent);
    const forgotHref = (/href="([^"]*\/account\/password\/forgot[^"]*)"/.exec(login.html)?.[1] ?? '').replace(/&amp;/g, '&');
    expect(forgotHref).toContain(`client_id=${world.oullinsFr.clientId}`);
    const forgot = await pageAt(agent, forgotHref);
    expect(forgot.html).toContain('Ville d’Oullins');
    const sent = await expectPage(await agent.submit(forgot, { email: account.email }));
    expect(sent.html).toContain('Ville d’Oullins');

    const [mail] = await mailsArrived(world.server, account.email);
    expect(mail?.link).toContain(`client_id=${world.oullinsFr.clientId}`);
    const reset = await pageAt(new UserAgent(world.server.issuer), mail?.link ?? '');
    expect(reset.html).toContain('Ville d’Oullins');
    const fresh = new UserAgent(world.server.issuer);
    const resetPage = await pageAt(fresh, mail?.link ?? '');
    const done = await expectPage(await fresh.submit(resetPage, { new_password: 'une toute nouvelle phrase de passe' }));
    expect(done.html).toContain('<a href="https://www.oullins.fr/">Retour à oullins.fr</a>');
  });

  it('drops a client_id nobody registered: no face, nothing of it in the page or the mail', async () => {
    const account = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const forgot = await pageAt(agent, '/account/password/forgot?client_id=%3Cscript%3Eevil');
    expect(forgot.html).not.toContain('evil');
    expect(forgot.html).not.toContain('name="client_id"');
    await agent.submit(forgot, { email: account.email, client_id: 'evil-client' });
    const [mail] = await mailsArrived(world.server, account.email);
    expect(mail?.link).not.toContain('client_id');
  });
});
