// A real Chromium against a real GrandLyonConnect, and the commune site the flow returns to.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { findProjectRoot } from '../../src/config.js';
import type { Locale } from '../../src/locale.js';
import { aClient, aCommune, type TestClient } from '../support/builders.js';
import { discover, oidc } from '../support/relying-party.js';
import { newestRegistrationLink } from '../support/account-space.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Debian's Chromium, never a downloaded one; quiet flags so the browser only talks to our servers.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A commune's site as far as the browser sees it: a redirect URI that records every query it receives. */
export interface CommuneSite {
  redirectUri: string;
  callbacks: URLSearchParams[];
  close(): Promise<void>;
}

export async function startCommuneSite(): Promise<CommuneSite> {
  const callbacks: URLSearchParams[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/callback') callbacks.push(url.searchParams);
    response.writeHead(url.pathname === '/callback' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      '<!DOCTYPE html><html lang="fr"><head><title>Site de la commune</title></head><body><h1>De retour sur le site de la commune</h1></body></html>',
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    callbacks,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Everything a browser test needs: a provider, a commune, one of its sites, its openid-client config, Chromium. */
export interface BrowserWorld {
  server: TestServer;
  site: CommuneSite;
  client: TestClient;
  config: oidc.Configuration;
  browser: Browser;
  /** A fresh browser profile (no cookies); French-speaking unless told otherwise. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  stop(): Promise<void>;
}

export async function startBrowserWorld(): Promise<BrowserWorld> {
  const server = await startTestServer();
  const site = await startCommuneSite();
  const commune = await aCommune(server.registry, { name: 'Villeurbanne' });
  const client = await aClient(server.registry, commune.slug, { name: 'villeurbanne.fr', redirectUris: [site.redirectUri] });
  const config = await discover(server.issuer, client);
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];
  return {
    server,
    site,
    client,
    config,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({ locale: 'fr-FR', ...options });
      // Well under jest's 30 s, so a page that never shows what a test waits for fails with Playwright's own message.
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return context.newPage();
    },
    async stop() {
      await Promise.all(contexts.map((context) => context.close()));
      await browser.close();
      await site.close();
      await server.stop();
    },
  };
}

/** Waits until the browser is sent back to the commune's site, and answers the query it arrived with. */
export async function backOnSite(page: Page, site: CommuneSite): Promise<URLSearchParams> {
  await page.waitForURL((url) => url.href.startsWith(site.redirectUri + '?'));
  return new URL(page.url()).searchParams;
}

/** Signs in on the login page in front of the browser, by the labels a person reads. */
export async function logIn(page: Page, credentials: { email: string; password: string }, text: Messages = messages('fr')): Promise<void> {
  await page.getByLabel(text.login.email, { exact: true }).fill(credentials.email);
  await page.getByLabel(text.login.password, { exact: true }).fill(credentials.password);
  await page.getByRole('button', { name: text.login.submit, exact: true }).click();
}

/**
 * After the account creation form: the page says to check the mailbox (the same whether or not the address
 * had an account); the link mailed to `email`, opened in this browser, and its button let the flow go on.
 */
export async function followRegistrationMail(
  page: Page,
  server: Pick<TestServer, 'mailer' | 'dataDir'>,
  email: string,
  text: Messages = messages('fr'),
): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text.register.check_mail_title, exact: true }).waitFor();
  await page.goto(await newestRegistrationLink(server, email));
  await page.locator('form button[type=submit]').click();
}

/** The strings of a page language, as the templates read them (src/views/locales). */
export interface Messages {
  login: Record<'title' | 'email' | 'password' | 'submit' | 'create_account' | 'forgot_password' | 'invalid_credentials', string>;
  register: Record<'title' | 'given_name' | 'family_name' | 'email' | 'password' | 'submit' | 'check_mail_title', string>;
  consent: Record<'title' | 'allow' | 'deny', string>;
}

export function messages(locale: Locale): Messages {
  return JSON.parse(readFileSync(join(findProjectRoot(), 'src', 'views', 'locales', `${locale}.json`), 'utf8')) as Messages;
}
