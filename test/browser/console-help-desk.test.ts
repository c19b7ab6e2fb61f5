// A counter agent in Chromium: signed in to the console, it sees the help desk alone in the navigation, finds a
// citizen by the exact address and nothing by a part of it.
import { anAccount } from '../support/builders.js';
import { anOperatorPerson } from '../support/console.js';
import { allMessages, signInToConsole } from './console-support.js';
import { startBrowserWorld, type BrowserWorld } from './support.js';

let world: BrowserWorld;
beforeAll(async () => {
  world = await startBrowserWorld();
}, 60_000);
afterAll(async () => world.stop());

describe('the help desk in a browser', () => {
  it('shows a counter agent only the help desk, and finds a citizen by exact address only', async () => {
    const messages = allMessages('fr');
    /** A string of the pages, which must exist. */
    const text = (key: string): string => {
      const value = messages[key];
      if (value === undefined) throw new Error(`no message ${key}`);
      return value;
    };
    const agent = await anOperatorPerson(world.server, await anAccount(world.server.accounts), 'counter-agent', [world.client.commune]);
    const citizen = await anAccount(world.server.accounts);
    const page = await world.newPage();
    await signInToConsole(page, world.server, agent);
    // The console's home sends a counter agent, who manages no commune, to the help desk.
    await page.getByRole('heading', { level: 1, name: text('console.help-desk.title'), exact: true }).waitFor();
    const nav = page.getByRole('navigation', { name: text('console.nav_label'), exact: true });
    expect(await nav.getByRole('link').allTextContents()).toEqual([text('console.nav.help-desk')]);

    const email = page.getByLabel(text('console.help-desk.fields.email'), { exact: true });
    const searchButton = page.getByRole('button', { name: text('console.help-desk.search'), exact: true });
    await email.fill(citizen.email.slice(0, citizen.email.indexOf('@')));
    await searchButton.click();
    await page.getByText(text('console.help-desk.not_found'), { exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: text('console.help-desk.account_title'), exact: true }).count()).toBe(0);

    await page.getByLabel(text('console.help-desk.fields.email'), { exact: true }).fill(citizen.email);
    await page.getByRole('button', { name: text('console.help-desk.search'), exact: true }).click();
    const panel = page.getByRole('region', { name: text('console.help-desk.account_title'), exact: true });
    await panel.waitFor();
    expect(await panel.getByText(citizen.email, { exact: true }).count()).toBe(1);
    expect(await panel.getByRole('button', { name: text('console.help-desk.lock'), exact: true }).count()).toBe(1);
    // The address never reaches the URL: the search is posted.
    expect(page.url()).not.toContain(encodeURIComponent(citizen.email));
  });
});
