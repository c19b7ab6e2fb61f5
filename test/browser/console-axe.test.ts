// axe-core in Chromium on every page of the operators' console, WCAG 2.1 A and AA rules, in French and English,
// at a desktop's and a phone's width: zero violations; and one console form walked with the keyboard alone.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { anAccount } from '../support/builders.js';
import { anOperatorPerson } from '../support/console.js';
import { useWorld } from '../support/world.js';
import { allMessages, signInToConsole } from './console-support.js';
import { startBrowserWorld } from './support.js';

const world = useWorld(startBrowserWorld);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function violationsOf(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<{ id: string; help: string; nodes: { target: string[] }[] }[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  );
  return violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A sensitive scope asked by a referent for a site of the world's commune: a request waiting for the Métropole. */
async function aPendingRequest(): Promise<number> {
  const { commune } = world.client;
  await world.server.registry.addClient(
    commune,
    { name: 'portail-famille.villeurbanne.fr', redirectUris: ['https://portail-famille.villeurbanne.fr/cb'], scope: 'openid phone' },
    { isFirstParty: false, requestedBy: 'referent@villeurbanne.fr', mayGrantSensitive: false },
  );
  const [request] = await world.server.registry.listScopeRequests('pending', [commune]);
  if (!request) throw new Error('no pending scope request');
  return request.id;
}

/** Every page of the console, for a metropole-admin (who sees every section), with the world's commune and client. */
const consolePaths = (requestId: number) => {
  const { commune, clientId } = world.client;
  return [
    '/admin',
    '/admin/communes',
    `/admin/communes/${commune}`,
    `/admin/communes/${commune}/edit`,
    `/admin/communes/${commune}/identity`,
    `/admin/communes/${commune}/logo/remove`,
    `/admin/communes/${commune}/clients`,
    `/admin/communes/${commune}/clients/new`,
    `/admin/communes/${commune}/clients/${clientId}`,
    `/admin/communes/${commune}/clients/${clientId}/secret`,
    `/admin/communes/${commune}/clients/${clientId}/delete`,
    `/admin/communes/${commune}/clients/registration-token`,
    '/admin/scope-requests',
    '/admin/scope-requests?status=all',
    `/admin/scope-requests/${requestId}`,
    '/admin/operators',
    '/admin/audit',
    '/admin/usage',
    '/admin/contributions',
    '/admin/help-desk',
  ];
};

describe('axe-core finds no WCAG 2.1 A or AA violation on the console', () => {
  let requestId = 0;
  beforeAll(async () => {
    requestId = await aPendingRequest();
  });

  it.each(['fr', 'en'] as const)('on every console page in %s, at 1280 and 375 px', async (locale) => {
    const admin = await anOperatorPerson(world.server, await anAccount(world.server.accounts), 'metropole-admin');
    const page = await world.newPage({ viewport: { width: 1280, height: 900 } });
    await signInToConsole(page, world.server, admin);
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of consolePaths(requestId)) {
        const response = await page.goto(`${world.server.issuer}${path}${path.includes('?') ? '&' : '?'}ui_locales=${locale}`);
        expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        expect({ path, width, violations: await violationsOf(page) }).toEqual({ path, width, violations: [] });
      }
    }
  });

  it('on the signed-out page', async () => {
    const page = await world.newPage();
    await page.goto(`${world.server.issuer}/admin/signed-out`);
    await page.getByRole('heading', { level: 1, name: allMessages('fr')['console.signed_out_title'], exact: true }).waitFor();
    expect(await violationsOf(page)).toEqual([]);
  });
});

/** What has the keyboard focus: a form control by its name, a button or link by its text. */
async function focused(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const element = document.activeElement;
    if (!element) return 'nothing';
    const tag = element.tagName.toLowerCase();
    return ['input', 'textarea', 'select'].includes(tag) ? tag + ' ' + element.name : tag + ' ' + element.innerText.trim();
  })()`);
}

describe('a console form with the keyboard alone', () => {
  it('registers a site: Tab reaches each field in order, typing fills them, Enter on the button submits', async () => {
    const text = allMessages('fr');
    const referent = await anOperatorPerson(world.server, await anAccount(world.server.accounts), 'commune-referent', [
      world.client.commune,
    ]);
    const page = await world.newPage();
    await signInToConsole(page, world.server, referent, `/admin/communes/${world.client.commune}/clients/new`);
    // Start sequential navigation at the page's heading, as after following the skip link; the console's
    // navigation and sign-out come first, then the form's first field.
    await page.locator('h1').click();
    const toForm: string[] = [];
    for (let press = 0; press < 20 && toForm.at(-1) !== 'input client_name'; press++) {
      await page.keyboard.press('Tab');
      toForm.push(await focused(page));
    }
    expect(toForm.at(-1)).toBe('input client_name');
    expect(toForm).toContain(`button ${text['console.logout']}`);
    await page.keyboard.type('mediatheque.villeurbanne.fr');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('textarea redirect_uris');
    await page.keyboard.type('https://mediatheque.villeurbanne.fr/callback');

    const stops: string[] = [];
    for (let press = 0; press < 40 && !stops.at(-1)?.startsWith(`button ${text['console.clients.create']}`); press++) {
      await page.keyboard.press('Tab');
      stops.push(await focused(page));
    }
    expect(stops.at(-1)).toBe(`button ${text['console.clients.create']}`);
    // The walk passes every field of the form on its way, in the page's order.
    expect(stops).toEqual(expect.arrayContaining(['textarea post_logout_redirect_uris', 'input scope']));
    await page.keyboard.press('Enter');

    const created = (text['console.clients.secret.created_title'] ?? '').replace('{name}', 'mediatheque.villeurbanne.fr');
    await page.getByRole('heading', { level: 1, name: created, exact: true }).waitFor();
  });
});
