// A commune site whose stack signs in and out with a form POST (ASP.NET Core's OpenID Connect handler with
// AuthenticationMethod = FormPost): its page, on another origin, posts the authorization request to /auth
// and the logout to /session/end by itself. The session cookies are SameSite=Lax, so the POST carries none;
// the provider's 303 to the GET does, and single sign-on holds across two such sites.
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { aClient, aCommune, anAccount, type TestAccount, type TestClient } from '../support/builders.js';
import { discover, exchange, oidc, startAuthorization, type AuthorizationAttempt } from '../support/relying-party.js';
import { useWorld } from '../support/world.js';
import { logIn, messages, startBrowserWorld } from './support.js';

const fr = messages('fr');

/** A site on its own origin: `/start` posts the form it is given, `/callback` and `/bye` show where the browser came back. */
interface PostingSite {
  origin: string;
  form?: { action: string; fields: Record<string, string> };
  close(): Promise<void>;
}

const escaped = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

async function startPostingSite(): Promise<PostingSite> {
  const site: PostingSite = { origin: '', close: () => Promise.resolve() };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (path === '/start' && site.form) {
      const inputs = Object.entries(site.form.fields).map(
        ([name, value]) => `<input type="hidden" name="${escaped(name)}" value="${escaped(value)}">`,
      );
      response.end(
        `<!DOCTYPE html><html lang="fr"><title>Envoi</title><form method="post" action="${escaped(site.form.action)}">${inputs.join('')}</form>` +
          '<script>document.forms[0].submit()</script></html>',
      );
    } else {
      response.end(
        `<!DOCTYPE html><html lang="fr"><title>Site</title><h1>${path === '/bye' ? 'Déconnecté du site' : 'De retour sur le site'}</h1></html>`,
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  site.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return site;
}

const world = useWorld(startBrowserWorld);
const sites = useWorld(async () => {
  const oullins = await startPostingSite();
  const bron = await startPostingSite();
  const siteOf = async (slug: string, origin: string) =>
    aClient(world.server.registry, (await aCommune(world.server.registry, { slug })).slug, {
      redirectUris: [`${origin}/callback`],
      postLogoutRedirectUris: [`${origin}/bye`],
    });
  return {
    oullins,
    bron,
    oullinsClient: await siteOf('oullins', oullins.origin),
    bronClient: await siteOf('bron', bron.origin),
    citizen: await anAccount(world.server.accounts),
    stop: async () => {
      await oullins.close();
      await bron.close();
    },
  };
});

/** The site's page posts `attempt` as a form to the provider's authorization endpoint. */
async function postAuthorization(page: Page, site: PostingSite, attempt: AuthorizationAttempt): Promise<void> {
  const url = new URL(attempt.url);
  site.form = { action: `${url.origin}${url.pathname}`, fields: Object.fromEntries(url.searchParams) };
  await page.goto(`${site.origin}/start`);
}

/** Back on the site's callback: the code redeemed as the site would, its ID token's claims. */
async function redeemedAt(page: Page, site: PostingSite, client: TestClient, attempt: AuthorizationAttempt) {
  await page.waitForURL((url) => url.href.startsWith(`${site.origin}/callback?`));
  const config = await discover(world.server.issuer, client);
  return exchange(config, attempt, page.url());
}

async function signInByPost(page: Page, site: PostingSite, client: TestClient, citizen?: TestAccount) {
  const config = await discover(world.server.issuer, client);
  const attempt = await startAuthorization(config, client);
  await postAuthorization(page, site, attempt);
  if (citizen) await logIn(page, citizen);
  await page.getByRole('button', { name: fr.consent.allow, exact: true }).click();
  return redeemedAt(page, site, client, attempt);
}

describe('a commune site that posts its requests as forms', () => {
  it('signs in through a posted authorization request, then a second commune’s site without the password', async () => {
    const page = await world.newPage();
    const first = await signInByPost(page, sites.oullins, sites.oullinsClient, sites.citizen);
    expect(first.claims()?.sub).toEqual(expect.any(String));

    const config = await discover(world.server.issuer, sites.bronClient);
    const attempt = await startAuthorization(config, sites.bronClient);
    await postAuthorization(page, sites.bron, attempt);
    await page.getByRole('heading', { level: 1, name: fr.consent.title, exact: true }).waitFor();
    expect(await page.locator('input[type=password]').count()).toBe(0);
    await page.getByRole('button', { name: fr.consent.allow, exact: true }).click();
    const second = await redeemedAt(page, sites.bron, sites.bronClient, attempt);
    expect(second.claims()?.sub).not.toBe(first.claims()?.sub);
  });

  it('signs out through a posted end-session request with id_token_hint, back to the site with its state', async () => {
    const page = await world.newPage();
    const tokens = await signInByPost(page, sites.oullins, sites.oullinsClient, await anAccount(world.server.accounts));
    const config = await discover(world.server.issuer, sites.oullinsClient);
    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${sites.oullins.origin}/bye`,
      state: 'au-revoir',
    });
    sites.oullins.form = { action: `${endSession.origin}${endSession.pathname}`, fields: Object.fromEntries(endSession.searchParams) };
    await page.goto(`${sites.oullins.origin}/start`);
    await page.getByRole('button', { name: 'Oui, me déconnecter', exact: true }).click();
    await page.waitForURL(`${sites.oullins.origin}/bye?state=au-revoir`);

    // Signed out: the next posted authorization asks for the password again.
    await postAuthorization(page, sites.oullins, await startAuthorization(config, sites.oullinsClient));
    await page.getByLabel(fr.login.password, { exact: true }).waitFor();
    expect(await page.getByLabel(fr.login.password, { exact: true }).isVisible()).toBe(true);
  });
});
