import type { Page } from 'playwright-core';
import { anAccount } from '../support/builders.js';
import {
  accountMessages,
  fill,
  labelsOfVisibleControls,
  SECTIONS,
  statusText,
  waitForMail,
  type AccountMessages,
  type Section,
} from './account-support.js';
import { logIn, startBrowserWorld } from './support.js';
import { useWorld } from '../support/world.js';

const fr = accountMessages('fr');
const en = accountMessages('en');
const world = useWorld(startBrowserWorld);

const hrefOf = (section: Section) => (section === 'profile' ? '/account' : `/account/${section}`);
const language = (page: Page) => page.locator('html').getAttribute('lang');

/** Opens /account in a fresh browser and signs in there, as a citizen who goes to the account space directly. */
async function signedInAccountSpace(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const citizen = await anAccount(world.server.accounts);
  const page = await world.newPage(options);
  await page.goto(`${world.server.issuer}/account`);
  await page.getByRole('heading', { level: 1, name: fr.login.title, exact: true }).waitFor();
  await logIn(page, citizen);
  await page.getByRole('heading', { level: 1, name: fr.account.profile.title, exact: true }).waitFor();
  return page;
}

/** A browser signed in to the account space before the tests of the describe block that asks for it. */
function signedInBeforeAll(): { at(section: Section): Promise<Page> } {
  let page: Page;
  beforeAll(async () => {
    page = await signedInAccountSpace();
  }, 30_000);
  return {
    async at(section) {
      await page.goto(`${world.server.issuer}${hrefOf(section)}`);
      return page;
    },
  };
}

describe('every visible input and select of the account pages has a <label for> it', () => {
  const expected: Record<Section, Record<string, string>> = {
    profile: {
      given_name: fr.account.profile.given_name,
      family_name: fr.account.profile.family_name,
      phone_number: fr.account.profile.phone,
      street_address: fr.account.profile.street,
      postal_code: fr.account.profile.postal_code,
      locality: fr.account.profile.locality,
      commune: fr.account.profile.commune,
      locale: fr.account.profile.locale,
    },
    email: { email: fr.account.email.new, current_password: fr.account.email.password },
    password: { current_password: fr.account.password.current, new_password: fr.account.password.new },
    services: {},
    sessions: {},
    history: {},
    journal: {},
    export: {},
    delete: { current_password: fr.account.delete.password },
  };
  const accountSpace = signedInBeforeAll();

  it.each(SECTIONS)('on the %s page of the account space', async (section) => {
    const page = await accountSpace.at(section);
    await page.getByRole('heading', { level: 1, name: fr.account.nav[section], exact: true }).waitFor();

    expect(await labelsOfVisibleControls(page)).toEqual(expected[section]);
  });

  it('on the forgotten-password page', async () => {
    const page = await world.newPage();
    await page.goto(`${world.server.issuer}/account/password/forgot`);
    await page.getByRole('heading', { level: 1, name: fr.account.password.forgot_title, exact: true }).waitFor();

    expect(await labelsOfVisibleControls(page)).toEqual({ email: fr.login.email });
  });

  it('on the new-password page a reset mail links to', async () => {
    const citizen = await anAccount(world.server.accounts);
    world.server.accounts.selfService.requestPasswordReset(citizen.email);
    const mail = await waitForMail(world.server, citizen.email, fr.mail['reset-password'].subject);
    const page = await world.newPage();
    await page.goto(mail.link!);
    await page.getByRole('heading', { level: 1, name: fr.account.password.reset_title, exact: true }).waitFor();

    expect(await labelsOfVisibleControls(page)).toEqual({ new_password: fr.account.password.new });
  });

  it('on the email verification page a verification mail links to, which has a button and nothing to type', async () => {
    const email = `a-verifier-${Date.now()}@example.org`;
    await world.server.accounts.register({ email, password: 'une adresse à vérifier bientôt' });
    const mail = await waitForMail(world.server, email, fr.mail['verify-email'].subject);
    const page = await world.newPage();
    await page.goto(mail.link!);
    await page.getByRole('heading', { level: 1, name: fr.account.email.verify_title, exact: true }).waitFor();

    expect(await labelsOfVisibleControls(page)).toEqual({});
    expect(await page.getByRole('button', { name: fr.account.email.verify_button, exact: true }).count()).toBe(1);
  });
});

describe('the language of the forgotten-password page', () => {
  it.each([
    ['fr for a French-speaking browser', 'fr-FR', '', fr, 'fr'],
    ['en with ?ui_locales=en, even for a French-speaking browser', 'fr-FR', '?ui_locales=en', en, 'en'],
    ['en for an English-speaking browser', 'en-GB', '', en, 'en'],
  ] as [string, string, string, AccountMessages, string][])(
    'is %s, in <html lang> and in its text, and stays so in its answer',
    async (_case, locale, query, text, lang) => {
      const page = await world.newPage({ locale });
      await page.goto(`${world.server.issuer}/account/password/forgot${query}`);
      await page.getByRole('heading', { level: 1, name: text.account.password.forgot_title, exact: true }).waitFor();
      const before = await language(page);

      await page.getByLabel(text.login.email, { exact: true }).fill('quelquun@example.org');
      await page.getByRole('button', { name: text.account.password.forgot_submit, exact: true }).click();

      expect(await statusText(page)).toBe(fill(text.account.password.forgot_sent, { email: 'quelquun@example.org' }));
      expect({ before, after: await language(page) }).toEqual({ before: lang, after: lang });
    },
  );
});

describe('the account navigation', () => {
  const accountSpace = signedInBeforeAll();

  it.each(SECTIONS)('marks the %s page, and only it, as the current page with aria-current="page"', async (section) => {
    const page = await accountSpace.at(section);
    const navigation = page.getByRole('navigation', { name: fr.account.nav_label, exact: true });
    await navigation.waitFor();

    const current = navigation.locator('[aria-current]');
    expect(await current.count()).toBe(1);
    expect({
      value: await current.getAttribute('aria-current'),
      text: (await current.innerText()).trim(),
      href: await current.getAttribute('href'),
    }).toEqual({ value: 'page', text: fr.account.nav[section], href: hrefOf(section) });
  });
});

describe('without JavaScript', () => {
  it('a citizen edits the profile in the account space and sees it saved', async () => {
    const page = await signedInAccountSpace({ javaScriptEnabled: false });

    await page.getByLabel(fr.account.profile.family_name, { exact: true }).fill('Sand');
    await page.getByLabel(fr.account.profile.commune, { exact: true }).selectOption({ label: 'Villeurbanne' });
    await page.getByRole('button', { name: fr.account.profile.save, exact: true }).click();

    expect(await statusText(page)).toBe(fr.account.saved);
    expect(await page.getByLabel(fr.account.profile.family_name, { exact: true }).inputValue()).toBe('Sand');
    expect(await page.getByLabel(fr.account.profile.commune, { exact: true }).locator('option:checked').innerText()).toBe('Villeurbanne');
  });
});
