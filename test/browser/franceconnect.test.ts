// FranceConnect in Chromium, in French and English: the button on the login and create-account pages (our own
// asset from our origin, its text as its name, the "what is it" link, no request elsewhere), pressed; through the stand-in back to the link page of an account with that email, and its way back to the
// login page; axe-core finds no WCAG 2.1 A/AA violation on either page.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { startFranceConnectStandIn, type FranceConnectStandIn } from '../support/franceconnect.js';
import { startAuthorization } from '../support/relying-party.js';
import { discover, oidc } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { useWorld } from '../support/world.js';
import { launchBrowser, messages, startCommuneSite, type CommuneSite } from './support.js';

interface FranceConnectTexts {
  button: string;
  what_is_it: string;
  back_to_login: string;
  link: { title: string; submit: string };
}
const texts = (locale: 'fr' | 'en') =>
  messages(locale) as unknown as { franceconnect: FranceConnectTexts; login: { title: string } } as {
    franceconnect: FranceConnectTexts;
    login: { title: string };
    register: { title: string };
  };

interface World {
  server: TestServer;
  franceConnect: FranceConnectStandIn;
  site: CommuneSite;
  client: TestClient;
  config: oidc.Configuration;
  browser: Browser;
  contexts: BrowserContext[];
  stop(): Promise<void>;
}

const world = useWorld(async (): Promise<World> => {
  const franceConnect = await startFranceConnectStandIn();
  const server = await startTestServer(franceConnect.env);
  await franceConnect.trust(server.issuer);
  const site = await startCommuneSite();
  const commune = await aCommune(server.registry, { name: 'Vénissieux' });
  const client = await aClient(server.registry, commune.slug, { name: 'venissieux.fr', redirectUris: [site.redirectUri] });
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];
  return {
    server,
    franceConnect,
    site,
    client,
    config: await discover(server.issuer, client),
    browser,
    contexts,
    async stop() {
      await Promise.all(contexts.map((context) => context.close()));
      await browser.close();
      await site.close();
      await server.stop();
      await franceConnect.stop();
    },
  };
});

/** A fresh profile (the button is a form posted to us: the e2e tests walk it with no script at all). */
async function newPage(locale: 'fr' | 'en'): Promise<Page> {
  const context = await world.browser.newContext({ locale: locale === 'fr' ? 'fr-FR' : 'en-GB' });
  context.setDefaultTimeout(10_000);
  world.contexts.push(context);
  return context.newPage();
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
async function violationsOf(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations.map((v) => v.id))`,
  );
}

describe.each(['fr', 'en'] as const)('the FranceConnect button (%s)', (locale) => {
  const text = texts(locale);

  it('is on the login and create-account pages, our own asset, with its text alternative and the “what is it” link', async () => {
    const page = await newPage(locale);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).origin));
    const attempt = await startAuthorization(world.config, world.client, { ui_locales: locale });
    await page.goto(attempt.url);
    const button = page.getByRole('button', { name: text.franceconnect.button, exact: true });
    await button.waitFor();
    expect(await button.getAttribute('src')).toBe('/static/franceconnect-button.svg');
    const asset = await page.request.get(`${world.server.issuer}/static/franceconnect-button.svg`);
    expect(asset.headers()['content-type']).toContain('image/svg+xml');
    expect(await page.getByRole('link', { name: text.franceconnect.what_is_it, exact: true }).getAttribute('href')).toBe(
      'https://franceconnect.gouv.fr/',
    );
    expect(new Set(requested)).toEqual(new Set([world.server.issuer]));
    expect(await violationsOf(page)).toEqual([]);

    await page.goto(`${world.server.issuer}${new URL(page.url()).pathname}/register`);
    await page.getByRole('heading', { level: 1, name: text.register.title }).waitFor();
    expect(await page.getByRole('button', { name: text.franceconnect.button, exact: true }).count()).toBe(1);
  });

  it('leads through FranceConnect to the link page of the account with that email, and back to the login page', async () => {
    const existing = await anAccount(world.server.accounts);
    const sub = `fc-browser-${locale}-${Date.now()}`;
    world.franceConnect.addCitizen({
      sub,
      claims: { given_name: 'Louise', family_name: 'MARTIN', email: existing.email, email_verified: true },
    });
    world.franceConnect.decide({ signIn: sub });
    const page = await newPage(locale);
    const attempt = await startAuthorization(world.config, world.client, { ui_locales: locale });
    await page.goto(attempt.url);
    await page.getByRole('button', { name: text.franceconnect.button, exact: true }).click();

    await page.getByRole('heading', { level: 1, name: text.franceconnect.link.title }).waitFor();
    expect(new URL(page.url()).origin).toBe(world.server.issuer);
    expect(await page.locator('main').innerText()).toContain(existing.email);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await violationsOf(page)).toEqual([]);

    await page.getByRole('link', { name: text.franceconnect.back_to_login, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: text.login.title }).waitFor();
    expect(await page.getByRole('button', { name: text.franceconnect.button, exact: true }).count()).toBe(1);
  });
});
