// The account's navigation on a phone (375 × 667): a native disclosure naming the current section leaves the
// page's heading and the section's first field on the first screen; opened, it shows three labelled groups
// within the screen's width; the keyboard alone opens it, walks every link in order, in sight, and follows one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findProjectRoot } from '../../src/config.js';
import { anAccount } from '../support/builders.js';
import { useWorld } from '../support/world.js';
import { accountMessages } from './account-support.js';
import { logIn, startBrowserWorld } from './support.js';

const world = useWorld(startBrowserWorld);
const fr = accountMessages('fr');
const IN_ORDER = ['profile', 'email', 'password', 'security', 'sessions', 'history', 'services', 'journal', 'export', 'delete', 'logout'];
/** The navigation's words as the templates read them: every section's, and the three groups'. */
const {
  nav,
  nav_group: groupNames,
  nav_summary: summaryLead,
} = (
  JSON.parse(readFileSync(join(findProjectRoot(), 'src', 'views', 'locales', 'fr.json'), 'utf8')) as {
    account: { nav: Record<string, string>; nav_group: Record<'details' | 'sign-in' | 'data', string>; nav_summary: string };
  }
).account;
const PHONE = { width: 375, height: 667 };

async function signedInOnPhone(): Promise<Page> {
  const page = await world.newPage({ viewport: PHONE });
  const citizen = await anAccount(world.server.accounts);
  await page.goto(`${world.server.issuer}/account`);
  await logIn(page, citizen);
  await page.waitForURL(/\/account$/);
  return page;
}

/** The link of the navigation that has the keyboard's focus: its text, and whether all of it is inside the screen. */
async function focused(page: Page): Promise<{ text: string; isOnScreen: boolean }> {
  const link = page.getByRole('navigation', { name: fr.account.nav_label, exact: true }).locator('a:focus');
  if ((await link.count()) !== 1) return { text: 'the focus is outside the navigation', isOnScreen: false };
  const box = await link.boundingBox();
  return {
    text: (await link.innerText()).trim(),
    isOnScreen: !!box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y >= 0 && box.y + box.height <= PHONE.height,
  };
}

describe('the account navigation on a phone', () => {
  it('leaves the page’s heading and the section’s first field on the first screen', async () => {
    const page = await signedInOnPhone();
    const heading = await page.getByRole('heading', { level: 1, name: fr.account.nav.profile, exact: true }).boundingBox();
    const firstField = await page.getByLabel(fr.account.profile.given_name, { exact: true }).boundingBox();
    expect(heading?.y).toBeLessThan(PHONE.height);
    expect((firstField?.y ?? Infinity) + (firstField?.height ?? 0)).toBeLessThan(PHONE.height);
  });

  it('names the current section in its summary and, opened, shows three labelled groups within the screen’s width', async () => {
    const page = await signedInOnPhone();
    const navigation = page.getByRole('navigation', { name: fr.account.nav_label, exact: true });
    const summary = navigation.locator('summary');
    expect((await summary.innerText()).trim()).toBe(`${summaryLead} ${nav.profile}`);
    expect(await navigation.getByRole('link').count()).toBe(0); // closed: its links are out of the way
    await summary.click();
    const groups = navigation.getByRole('list');
    expect(await groups.count()).toBe(3);
    const labels = await Promise.all([0, 1, 2].map(async (index) => groups.nth(index).getAttribute('aria-labelledby')));
    const names = await Promise.all(labels.map(async (id) => page.locator(`#${id ?? 'none'}`).innerText()));
    expect(names).toEqual([groupNames.details, groupNames['sign-in'], groupNames.data]);
    expect(await navigation.getByRole('link').count()).toBe(IN_ORDER.length);
    const pageWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(pageWidth).toBeLessThanOrEqual(PHONE.width);
  });

  it('is opened and walked by the keyboard: each link in turn takes the focus in sight, and Enter follows it', async () => {
    const page = await signedInOnPhone();
    const navigation = page.getByRole('navigation', { name: fr.account.nav_label, exact: true });
    await page.keyboard.press('Tab'); // the skip link
    await page.keyboard.press('Tab');
    expect(await navigation.locator('summary:focus').count()).toBe(1);
    await page.keyboard.press('Enter');
    expect(await navigation.locator('details').getAttribute('open')).toBe('');
    const walked: { text: string; isOnScreen: boolean }[] = [];
    for (let step = 0; step < IN_ORDER.length; step++) {
      await page.keyboard.press('Tab');
      walked.push(await focused(page));
    }
    expect(walked).toEqual(IN_ORDER.map((section) => ({ text: nav[section], isOnScreen: true })));

    for (let step = 0; step < 4; step++) await page.keyboard.press('Shift+Tab'); // from "Se déconnecter" back to "Services connectés"
    expect((await focused(page)).text).toBe(nav.services);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/account\/services$/);
    expect((await navigation.locator('summary').innerText()).trim()).toBe(`${summaryLead} ${nav.services}`);
    expect(await navigation.locator('[aria-current="page"]').getAttribute('href')).toBe('/account/services');
  });
});
