import type { Locator, Page } from 'playwright-core';
import { anAccount } from '../support/builders.js';
import { startAuthorization } from '../support/relying-party.js';
import { backOnSite, logIn, messages, startBrowserWorld } from './support.js';
import { useWorld } from '../support/world.js';

const fr = messages('fr');
const world = useWorld(startBrowserWorld);

const submitButtons = (form: Locator) => form.locator('button:not([type]), button[type=submit], input[type=submit], input[type=image]');

/** Every visible form control, by name, with the text of the <label for> pointing at its id ('' when there is none). */
async function labelsOfVisibleInputs(page: Page): Promise<Record<string, string>> {
  const labels: Record<string, string> = {};
  for (const input of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    if (!(await input.isVisible())) continue;
    const name = (await input.getAttribute('name')) ?? '(no name)';
    const id = await input.getAttribute('id');
    const label = id ? page.locator(`label[for="${id}"]`) : undefined;
    labels[name] = label && (await label.count()) === 1 ? (await label.innerText()).trim() : '';
  }
  return labels;
}

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
    const page = await openLoginPage();
    const form = page.locator('form');

    expect(await form.count()).toBe(1);
    expect(await form.locator('input[name=email][type=email][autocomplete=username]').count()).toBe(1);
    expect(await form.locator('input[name=password][type=password][autocomplete=current-password]').count()).toBe(1);
    expect(await submitButtons(form).count()).toBe(1);
  });

  it('labels every visible input with a <label for> its id', async () => {
    const page = await openLoginPage();

    expect(await labelsOfVisibleInputs(page)).toEqual({ email: fr.login.email, password: fr.login.password });
  });

  it('links to password reset and to account creation, which opens the account creation page', async () => {
    const page = await openLoginPage();

    expect(await page.getByRole('link', { name: fr.login.forgot_password, exact: true }).getAttribute('href')).toMatch(/\S/);
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
    const page = await openRegisterPage();
    const form = page.locator('form');

    expect(await form.count()).toBe(1);
    expect(await form.locator('input[name=given_name][autocomplete=given-name]').count()).toBe(1);
    expect(await form.locator('input[name=family_name][autocomplete=family-name]').count()).toBe(1);
    expect(await form.locator('input[name=email][type=email][autocomplete=email]').count()).toBe(1);
    expect(await form.locator('input[name=password][type=password][autocomplete=new-password]').count()).toBe(1);
    expect(await submitButtons(form).count()).toBe(1);
  });

  it('labels every visible input with a <label for> its id', async () => {
    const page = await openRegisterPage();

    expect(await labelsOfVisibleInputs(page)).toEqual({
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
    expect(await labelsOfVisibleInputs(page)).toEqual({});
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
