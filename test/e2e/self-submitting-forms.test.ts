import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { discover, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { formsOf, isPage, UserAgent } from '../support/user-agent.js';

let server: TestServer;
let site: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'lyon' });
  site = await aClient(server.registry, 'lyon');
});

afterAll(async () => {
  await server.stop();
});

describe('pages the browser posts on its own', () => {
  it('answers response_mode=form_post with our page: French, the code for the site, a button without JavaScript', async () => {
    const citizen = await anAccount(server.accounts);
    const agent = new UserAgent(server.issuer);
    const attempt = await startAuthorization(await discover(server.issuer, site), site, { response_mode: 'form_post' });
    const login = await agent.navigate(attempt.url);
    if (!isPage(login)) throw new Error('expected the login page');
    const consent = await agent.submit(login, { email: citizen.email, password: citizen.password });
    if (!isPage(consent)) throw new Error('expected the consent page');
    const page = await agent.submit(consent, { decision: 'allow' });
    if (!isPage(page)) throw new Error('expected the self-submitting page');
    expect(page.html).toContain('<html lang="fr">');
    expect(page.html).toContain('Continuer');
    const [form] = formsOf(page.html);
    expect(form!.action).toBe(site.redirectUri);
    expect(form!.fields).toMatchObject({ code: expect.any(String), state: attempt.state });
  });

  it('signs out a browser without a session through a localized page whose script the CSP allows', async () => {
    const agent = new UserAgent(server.issuer);
    const response = await agent.request('/session/end');
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    const html = await response.text();
    expect(html).toContain('Redirection en cours');
    const [form] = formsOf(html);
    expect(form!.action).toBe(`${server.issuer}/session/end/confirm`);
    expect(form!.fields.logout).toBe('yes');
    const done = await agent.submit({ url: `${server.issuer}/session/end`, status: 200, html }, {});
    expect(isPage(done) && done.html).toContain('Vous êtes déconnecté');
  });
});
