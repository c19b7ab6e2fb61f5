// An operator signs in to the console in Chromium with two factors, sees their communes, and signs out.
import { anAccount } from '../support/builders.js';
import { anOperatorPerson } from '../support/console.js';
import { allMessages, signInToConsole } from './console-support.js';
import { startBrowserWorld, type BrowserWorld } from './support.js';

let world: BrowserWorld;
beforeAll(async () => {
  world = await startBrowserWorld();
}, 60_000);
afterAll(async () => world.stop());

describe('the console in a browser', () => {
  it('signs a referent in with a password and an app code, shows their commune, and signs out', async () => {
    const text = allMessages('fr');
    const referent = await anOperatorPerson(world.server, await anAccount(world.server.accounts), 'commune-referent', [
      world.client.commune,
    ]);
    const page = await world.newPage();
    await signInToConsole(page, world.server, referent);
    await page.getByRole('heading', { level: 1, name: text['console.home.title'], exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Villeurbanne', exact: true }).count()).toBe(1);

    await page.getByRole('button', { name: text['console.logout'], exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/session/end'));
    expect((await page.context().cookies()).some((c) => c.name === 'glc.console')).toBe(false);
  });
});
