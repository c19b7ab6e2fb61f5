// A commune's site protected by Apache's mod_auth_openidc signs a citizen in, reads the claims, and signs out.
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';
import { freePort, redirectUriFor, startApache } from './apache.js';
import { launchBrowser } from './support.js';

/** The port Apache serves the commune's intranet on, known before its client is registered. */
let port: number;
const world = useWorld(async () => {
  port = await freePort();
  return anOidcWorld({
    communes: [{ slug: 'dardilly', name: 'Dardilly' }],
    clients: {
      intranet: {
        name: 'Intranet de Dardilly',
        redirectUris: [redirectUriFor(port)],
        postLogoutRedirectUris: [`http://127.0.0.1:${port}/loggedout.html`],
      },
    },
    accounts: { citizen: { givenName: 'Camille', familyName: 'Martin' } },
  });
});
const apache = useWorld(() =>
  startApache({ port, issuer: world.server.issuer, clientId: world.intranet.clientId, clientSecret: world.intranet.clientSecret! }),
);
const chromium = useWorld(async () => {
  const browser = await launchBrowser();
  return { browser, stop: () => browser.close() };
});

describe('Apache mod_auth_openidc as the relying party', () => {
  it('signs a citizen in to a protected page, passes the claims, and signs out through the provider', async () => {
    const context = await chromium.browser.newContext({ locale: 'fr-FR' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();

    await page.goto(`${apache.origin}/protected/`);
    await page.getByLabel('Adresse électronique').fill(world.citizen.email);
    await page.getByLabel('Mot de passe').fill(world.citizen.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Autoriser' }).click();
    await page.waitForURL(`${apache.origin}/protected/**`);
    expect(await page.textContent('h1')).toBe('Espace protégé de la commune');

    const info = await context.request.get(`${apache.redirectUri}?info=json`);
    expect(info.status()).toBe(200);
    const session = (await info.json()) as { userinfo?: Record<string, unknown>; id_token?: Record<string, unknown> };
    expect(session.userinfo).toMatchObject({ email: world.citizen.email, given_name: 'Camille', family_name: 'Martin' });
    expect(session.id_token?.iss).toBe(world.server.issuer);

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
