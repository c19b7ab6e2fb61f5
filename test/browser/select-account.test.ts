// The account choice of prompt=select_account in Chromium, with JavaScript off as with it on: the two buttons
// by the names a person reads, each leading where it says; axe-core finds no WCAG 2.1 A/AA violation on the
// page in French and English.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { anAccount, type TestAccount } from '../support/builders.js';
import { startAuthorization } from '../support/relying-party.js';
import { useWorld } from '../support/world.js';
import { backOnSite, logIn, messages, startBrowserWorld } from './support.js';

const world = useWorld(startBrowserWorld);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const fr = messages('fr');

async function violationsOf(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<{ id: string; nodes: { target: string[] }[] }[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  );
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A browser signed in at the site as `citizen`, then sent back with prompt=select_account. */
async function atTheChoice(citizen: TestAccount, options: { javaScriptEnabled?: boolean; uiLocales?: string } = {}) {
  const page = await world.newPage({ javaScriptEnabled: options.javaScriptEnabled ?? true });
  await page.goto((await startAuthorization(world.config, world.client)).url);
  await logIn(page, citizen);
  await page.getByRole('button', { name: fr.consent.allow, exact: true }).click();
  await backOnSite(page, world.site);
  const extra: Record<string, string> = { prompt: 'select_account', ...(options.uiLocales ? { ui_locales: options.uiLocales } : {}) };
  await page.goto((await startAuthorization(world.config, world.client, extra)).url);
  return page;
}

describe('the account choice in a browser', () => {
  it('continues as the signed-in account with JavaScript off', async () => {
    const citizen = await anAccount(world.server.accounts);
    const page = await atTheChoice(citizen, { javaScriptEnabled: false });
    await page.getByRole('heading', { level: 1, name: 'Choisir un compte', exact: true }).waitFor();
    await page.getByRole('button', { name: `Continuer en tant que ${citizen.email}`, exact: true }).click();
    const query = await backOnSite(page, world.site);
    expect(query.get('code')).toEqual(expect.any(String));
  });

  it('signs out and shows the login page for another account with JavaScript off', async () => {
    const page = await atTheChoice(await anAccount(world.server.accounts), { javaScriptEnabled: false });
    await page.getByRole('button', { name: 'Utiliser un autre compte', exact: true }).click();
    const password = page.getByLabel(fr.login.password, { exact: true });
    await password.waitFor();
    expect(await password.isVisible()).toBe(true);
  });

  it.each([
    ['fr', 'Choisir un compte'],
    ['en', 'Choose an account'],
  ])('has no WCAG 2.1 A/AA violation in %s', async (uiLocales, title) => {
    const page = await atTheChoice(await anAccount(world.server.accounts), { uiLocales });
    await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe(uiLocales);
    expect(await violationsOf(page)).toEqual([]);
  });
});
