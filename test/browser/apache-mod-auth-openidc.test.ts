// A commune's site protected by Apache's mod_auth_openidc signs a citizen in, reads the claims, and signs out.
import { aClient, aCommune, anAccount } from '../support/builders.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { freePort, redirectUriFor, startApache, type ApacheSite } from './apache.js';
import { launchBrowser } from './support.js';
import type { Browser } from 'playwright-core';

let server: TestServer;
let apache: ApacheSite;
let browser: Browser;
let citizen: Awaited<ReturnType<typeof anAccount>>;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'dardilly', name: 'Dardilly' });
  const port = await freePort();
  const client = await aClient(server.registry, 'dardilly', {
    name: 'Intranet de Dardilly', redirectUris: [redirectUriFor(port)], postLogoutRedirectUris: [`http://127.0.0.1:${port}/loggedout.html`],
  });
  apache = await startApache({ port, issuer: server.issuer, clientId: client.clientId, clientSecret: client.clientSecret! });
  browser = await launchBrowser();
  citizen = await anAccount(server.accounts, { givenName: 'Camille', familyName: 'Martin' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await apache?.stop();
  await server?.stop();
});

describe('Apache mod_auth_openidc as the relying party', () => {
  it('signs a citizen in to a protected page, passes the claims, and signs out through the provider', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();

    await page.goto(`${apache.origin}/protected/`);
    await page.getByLabel('Adresse électronique').fill(citizen.email);
    await page.getByLabel('Mot de passe').fill(citizen.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Autoriser' }).click();
    await page.waitForURL(`${apache.origin}/protected/**`);
    expect(await page.textContent('h1')).toBe('Espace protégé de la commune');

    const info = await context.request.get(`${apache.redirectUri}?info=json`);
    expect(info.status()).toBe(200);
    const session = (await info.json()) as { userinfo?: Record<string, unknown>; id_token?: Record<string, unknown> };
    expect(session.userinfo).toMatchObject({ email: citizen.email, given_name: 'Camille', family_name: 'Martin' });
    expect(session.id_token?.iss).toBe(server.issuer);

    await page.goto(`${apache.redirectUri}?logout=${encodeURIComponent(apache.postLogoutUri)}`);
    await page.getByRole('button', { name: 'Oui, me déconnecter' }).click();
    await page.waitForURL(apache.postLogoutUri);
    expect(await page.textContent('h1')).toBe('Déconnecté du site');

    // Signed out everywhere: the protected page asks for the password again.
    await page.goto(`${apache.origin}/protected/`);
    await expect(page.getByLabel('Mot de passe').isVisible()).resolves.toBe(true);
    await context.close();
  }, 60_000);
});
