import type { Page } from 'playwright-core';
import { startAuthorization } from '../support/relying-party.js';
import { followRegistrationMail, messages, startBrowserWorld, type Messages } from './support.js';
import { useWorld } from '../support/world.js';

const world = useWorld(startBrowserWorld);
let registrations = 0;

const language = (page: Page) => page.locator('html').getAttribute('lang');

/** Visits login, then account creation, then consent, and answers what each page said and in which language. */
async function walkThroughPages(page: Page, text: Messages) {
  const seen: Record<string, unknown> = {};

  await page.getByRole('heading', { level: 1, name: text.login.title, exact: true }).waitFor();
  seen.login = {
    lang: await language(page),
    email: await page.getByLabel(text.login.email, { exact: true }).getAttribute('name'),
    password: await page.getByLabel(text.login.password, { exact: true }).getAttribute('name'),
    submit: await page.getByRole('button', { name: text.login.submit, exact: true }).count(),
    createAccount: await page.getByRole('link', { name: text.login.create_account, exact: true }).count(),
    forgotPassword: await page.getByRole('link', { name: text.login.forgot_password, exact: true }).count(),
  };

  await page.getByRole('link', { name: text.login.create_account, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: text.register.title, exact: true }).waitFor();
  seen.register = {
    lang: await language(page),
    submit: await page.getByRole('button', { name: text.register.submit, exact: true }).count(),
  };
  await page.getByLabel(text.register.given_name, { exact: true }).fill('Lucie');
  await page.getByLabel(text.register.family_name, { exact: true }).fill('Aubrac');
  const email = `lucie.aubrac.${registrations++}@example.org`;
  await page.getByLabel(text.register.email, { exact: true }).fill(email);
  await page.getByLabel(text.register.password, { exact: true }).fill('la liberté guidant le peuple');
  await page.getByRole('button', { name: text.register.submit, exact: true }).click();
  await followRegistrationMail(page, world.server, email, text);

  await page.getByRole('heading', { level: 1, name: text.consent.title, exact: true }).waitFor();
  seen.consent = {
    lang: await language(page),
    allow: await page.getByRole('button', { name: text.consent.allow, exact: true }).count(),
    deny: await page.getByRole('button', { name: text.consent.deny, exact: true }).count(),
  };
  return seen;
}

const pagesIn = (lang: string) => ({
  login: { lang, email: 'email', password: 'password', submit: 1, createAccount: 1, forgotPassword: 1 },
  register: { lang, submit: 1 },
  consent: { lang, allow: 1, deny: 1 },
});

describe('the pages speak the citizen’s language', () => {
  it('are in English from login to consent when the site sends ui_locales=en, even to a French-speaking browser', async () => {
    const attempt = await startAuthorization(world.config, world.client, { ui_locales: 'en' });
    const page = await world.newPage({ locale: 'fr-FR' });
    await page.goto(attempt.url);

    expect(await walkThroughPages(page, messages('en'))).toEqual(pagesIn('en'));
  });

  it('are in French by default, when neither ui_locales nor the browser names a language the provider speaks', async () => {
    const attempt = await startAuthorization(world.config, world.client);
    const page = await world.newPage({ locale: 'de-DE' });
    await page.goto(attempt.url);

    expect(await walkThroughPages(page, messages('fr'))).toEqual(pagesIn('fr'));
  });

  it('follow an English-speaking browser’s Accept-Language when the site names no language', async () => {
    const attempt = await startAuthorization(world.config, world.client);
    const page = await world.newPage({ locale: 'en-GB' });
    await page.goto(attempt.url);

    expect(await walkThroughPages(page, messages('en'))).toEqual(pagesIn('en'));
  });
});
