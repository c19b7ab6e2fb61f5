// FranceConnect in Chromium, French and English, with axe-core (WCAG 2.1 A/AA): the /account section of a linked
// citizen (the certified identity's fields as text, the names locked read-only in the profile form, the unlink
// button), the link's date in the security history; and the mailed code before a link, through the stand-in: the
// link page's "receive a code" button, the code page, the code typed from the mail, back on the commune's site; and
// the deletion of an account made from FranceConnect, confirmed by signing in there again.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { insertFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { aClient, aCommune, anAccount, type TestAccount, type TestClient } from '../support/builders.js';
import { startFranceConnectStandIn, type FranceConnectStandIn } from '../support/franceconnect.js';
import { discover, oidc, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { useWorld } from '../support/world.js';
import { waitForMail } from './account-support.js';
import { backOnSite, launchBrowser, logIn, messages, startCommuneSite, type CommuneSite } from './support.js';

type Locale = 'fr' | 'en';
interface Texts {
  account: {
    franceconnect: { title: string; unlink: string; fields: Record<string, string> };
    events: Record<string, string>;
    delete: { franceconnect_button: string; done_title: string };
  };
  franceconnect: {
    button: string;
    link: { title: string; send_code: string };
    code: { title: string; label: string; submit: string };
  };
  mail: { 'franceconnect-link-code': { subject: string } };
}
const all = (locale: Locale) =>
  JSON.parse(readFileSync(new URL(`../../src/views/locales/${locale}.json`, import.meta.url), 'utf8')) as Texts;

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
  const client = await aClient(server.registry, commune.slug, {
    name: 'venissieux.fr',
    redirectUris: [site.redirectUri],
    isFirstParty: true,
  });
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

async function newPage(locale: Locale): Promise<Page> {
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

let subjects = 0;
/** A citizen whose language is `locale` (the account's pages and mails are in it). */
async function aCitizenSpeaking(locale: Locale, overrides: Parameters<typeof anAccount>[1] = {}): Promise<TestAccount> {
  const citizen = await anAccount(world.server.accounts, overrides);
  await world.server.pool.query('update accounts set locale = $2 where id = $1', [citizen.id, locale]);
  return citizen;
}

async function aLinkedCitizen(locale: Locale): Promise<TestAccount> {
  const citizen = await aCitizenSpeaking(locale, { givenName: 'Angie', familyName: 'Dubois' });
  subjects += 1;
  await insertFederatedIdentity(world.server.pool, {
    provider: 'franceconnect',
    subject: `fc-browser-account-${subjects}-${citizen.id}`,
    accountId: citizen.id,
    identity: { given_name: 'Angela Claire', family_name: 'DUBOIS', birthdate: '1962-08-24', gender: 'female', email: citizen.email },
    acr: 'eidas1',
  });
  await world.server.accounts.selfService.recordEvent(citizen.id, 'franceconnect_linked');
  return citizen;
}

describe.each(['fr', 'en'] as const)('FranceConnect in /account (%s)', (locale) => {
  const text = all(locale);

  it('shows the certified identity as text, the certified names read-only, the unlink button, and the link in the history; axe finds nothing', async () => {
    const citizen = await aLinkedCitizen(locale);
    const page = await newPage(locale);
    await page.goto(`${world.server.issuer}/account`);
    await logIn(page, citizen, messages(locale));
    const section = page.getByRole('region', { name: text.account.franceconnect.title, exact: true });
    await section.waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    const shown = await section.innerText();
    expect(shown).toContain('Angela Claire');
    expect(shown).toContain('DUBOIS');
    expect(shown).toContain(text.account.franceconnect.fields.birthdate!);
    // The pivot fields are text, not controls: nothing to edit inside the section.
    expect(await section.locator('input:not([type=hidden]), select, textarea').count()).toBe(0);
    expect(await page.locator('#field-given_name').getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('#field-family_name').getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('button', { name: text.account.franceconnect.unlink, exact: true }).count()).toBe(1);
    expect(await violationsOf(page)).toEqual([]);

    await page.goto(`${world.server.issuer}/account/history`);
    const linked = text.account.events.franceconnect_linked!;
    const line = page.locator('main li', { hasText: linked });
    await line.first().waitFor();
    expect(await line.first().locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await violationsOf(page)).toEqual([]);
  });

  it('deletes an account made from FranceConnect after a new FranceConnect sign-in; axe finds nothing on the deletion page', async () => {
    const sub = `fc-browser-delete-${locale}-${Date.now()}`;
    const email = `fc-browser-delete-${locale}-${Date.now()}@example.org`;
    world.franceConnect.addCitizen({ sub, claims: { given_name: 'Louise', family_name: 'MARTIN', email } });
    world.franceConnect.decide({ signIn: sub });
    const page = await newPage(locale);
    const attempt = await startAuthorization(world.config, world.client, { ui_locales: locale });
    await page.goto(attempt.url);
    await page.getByRole('button', { name: text.franceconnect.button, exact: true }).click();
    await backOnSite(page, world.site);
    const accountId = (await world.server.pool.query<{ id: string }>('select id from accounts where email = $1', [email])).rows[0]?.id;
    if (!accountId) throw new Error('no account made from FranceConnect');
    await world.server.pool.query('update accounts set locale = $2 where id = $1', [accountId, locale]);

    await page.goto(`${world.server.issuer}/account/delete`);
    const button = page.getByRole('button', { name: text.account.delete.franceconnect_button, exact: true });
    await button.waitFor();
    expect(await page.locator('input[type=password]').count()).toBe(0);
    expect(await violationsOf(page)).toEqual([]);
    await button.click();
    await page.getByRole('heading', { level: 1, name: text.account.delete.done_title, exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await world.server.accounts.findById(accountId)).toBeUndefined();
  });

  it('links after the code mailed to the account: the link page’s button, the code page, the code typed; axe finds nothing', async () => {
    const existing = await aCitizenSpeaking(locale);
    const sub = `fc-browser-code-${locale}-${Date.now()}`;
    world.franceConnect.addCitizen({ sub, claims: { given_name: 'Louise', family_name: 'MARTIN', email: existing.email } });
    world.franceConnect.decide({ signIn: sub });
    const page = await newPage(locale);
    const attempt = await startAuthorization(world.config, world.client, { ui_locales: locale });
    await page.goto(attempt.url);
    await page.getByRole('button', { name: text.franceconnect.button, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: text.franceconnect.link.title }).waitFor();
    await page.getByRole('button', { name: text.franceconnect.link.send_code, exact: true }).click();

    await page.getByRole('heading', { level: 1, name: text.franceconnect.code.title, exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await page.locator('main').innerText()).toContain(existing.email);
    const field = page.getByLabel(text.franceconnect.code.label, { exact: true });
    expect(await field.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await violationsOf(page)).toEqual([]);

    const mail = await waitForMail(world.server, existing.email, text.mail['franceconnect-link-code'].subject);
    const code = /\b(\d{8})\b/.exec(mail.raw)?.[1];
    if (!code) throw new Error('no code in the mail');
    await field.fill(code);
    await page.getByRole('button', { name: text.franceconnect.code.submit, exact: true }).click();
    const query = await backOnSite(page, world.site);
    expect(query.get('code')).toEqual(expect.any(String));
    expect(await world.server.accounts.franceConnect.linkOf(existing.id)).toBeDefined();
  });
});
