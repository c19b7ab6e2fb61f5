import type { Page } from 'playwright-core';
import { anAccount } from '../support/builders.js';
import { startAuthorization } from '../support/relying-party.js';
import { labelsOfVisibleControls } from './account-support.js';
import { backOnSite, logIn, messages, startBrowserWorld } from './support.js';
import { useWorld } from '../support/world.js';

const fr = messages('fr');
const world = useWorld(startBrowserWorld);

const SUBMIT_BUTTON = 'button:not([type]), button[type=submit], input[type=submit], input[type=image]';

/** How many forms the page holds, and how many controls of its form match each selector. */
async function countsIn(page: Page, selectors: string[]): Promise<Record<string, number>> {
  const form = page.locator('form');
  const counts: Record<string, number> = { forms: await form.count() };
  for (const selector of selectors) counts[selector] = await form.locator(selector).count();
  return counts;
}

/** One form, holding exactly one control matching each selector. */
const oneOfEach = (selectors: string[]) => ({ forms: 1, ...Object.fromEntries(selectors.map((selector) => [selector, 1])) });

async function openLoginPage(): Promise<Page> {
  const attempt = await startAuthorization(world.config, world.client);
  const page = await world.newPage();
  await page.goto(attempt.url);
  await page.getByRole('heading', { level: 1, name: fr.login.title, exact: true }).waitFor();
  return page;
}

async function openConsentPage() {
  const citizen = await anAccount(world.server.accounts);
  const attempt = await startAuthorization(world.config, world.client);
  const page = await world.newPage();
  await page.goto(attempt.url);
  await logIn(page, citizen);
  await page.getByRole('heading', { level: 1, name: fr.consent.title, exact: true }).waitFor();
  return { page, attempt };
}

describe('the login page follows the autofill conventions', () => {
  it('has one form with an email username field, a current-password field and exactly one submit button', async () => {
    const controls = [
      "input[name=email][type=email][autocomplete='username webauthn']",
      'input[name=password][type=password][autocomplete=current-password]',
      SUBMIT_BUTTON,
    ];

    expect(await countsIn(await openLoginPage(), controls)).toEqual(oneOfEach(controls));
  });

  it('labels every visible input with a <label for> its id', async () => {
    const page = await openLoginPage();

    expect(await labelsOfVisibleControls(page)).toEqual({ email: fr.login.email, password: fr.login.password });
  });

  it('links to password reset and to account creation, which opens the account creation page', async () => {
    const page = await openLoginPage();

    expect(await page.getByRole('link', { name: fr.login.forgot_password, exact: true }).getAttribute('href')).toMatch(
      /^\/account\/password\/forgot\b/,
    );
    await page.getByRole('link', { name: fr.login.create_account, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: fr.register.title, exact: true }).waitFor();
    expect(new URL(page.url()).origin).toBe(world.server.issuer);
  });
});

describe('the account creation page follows the autofill conventions', () => {
  async function openRegisterPage(): Promise<Page> {
    const page = await openLoginPage();
    await page.getByRole('link', { name: fr.login.create_account, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: fr.register.title, exact: true }).waitFor();
    return page;
  }

  it('asks for given name, family name, email and a new password with their autocomplete tokens, and one submit button', async () => {
    const controls = [
      'input[name=given_name][autocomplete=given-name]',
      'input[name=family_name][autocomplete=family-name]',
      'input[name=email][type=email][autocomplete=email]',
      'input[name=password][type=password][autocomplete=new-password]',
      SUBMIT_BUTTON,
    ];

    expect(await countsIn(await openRegisterPage(), controls)).toEqual(oneOfEach(controls));
  });

  it('labels every visible input with a <label for> its id', async () => {
    const page = await openRegisterPage();

    expect(await labelsOfVisibleControls(page)).toEqual({
      given_name: fr.register.given_name,
      family_name: fr.register.family_name,
      email: fr.register.email,
      password: fr.register.password,
    });
  });
});

describe('the consent page', () => {
  it('is one form holding an allow button and a deny button', async () => {
    const { page } = await openConsentPage();
    const form = page.locator('form');

    expect(await form.count()).toBe(1);
    expect(await form.getByRole('button', { name: fr.consent.allow, exact: true }).count()).toBe(1);
    expect(await form.getByRole('button', { name: fr.consent.deny, exact: true }).count()).toBe(1);
    expect(await labelsOfVisibleControls(page)).toEqual({});
  });

  it('sends the browser back to the site with access_denied and the site’s state when the citizen denies', async () => {
    const { page, attempt } = await openConsentPage();

    await page.getByRole('button', { name: fr.consent.deny, exact: true }).click();

    const query = await backOnSite(page, world.site);
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe(attempt.state);
    expect(query.has('code')).toBe(false);
  });
});
