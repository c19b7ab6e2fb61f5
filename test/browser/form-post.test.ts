// response_mode=form_post in a real browser: our self-submitting page posts the code to the site by itself
// (its one inline script is allowed by the page's CSP hash), or with one click when JavaScript is off.
import { anAccount } from '../support/builders.js';
import { startAuthorization } from '../support/relying-party.js';
import { logIn, startBrowserWorld } from './support.js';
import { useWorld } from '../support/world.js';

const world = useWorld(startBrowserWorld);

async function signInWithFormPost(javaScriptEnabled: boolean) {
  const citizen = await anAccount(world.server.accounts);
  const page = await world.newPage({ javaScriptEnabled });
  const attempt = await startAuthorization(world.config, world.client, { response_mode: 'form_post' });
  await page.goto(attempt.url);
  await logIn(page, citizen);
  await page.getByRole('button', { name: 'Autoriser' }).click();
  return page;
}

describe('response_mode=form_post', () => {
  it('posts the code to the site by itself when JavaScript runs', async () => {
    const page = await signInWithFormPost(true);
    await page.waitForURL(world.site.redirectUri);
    expect(await page.textContent('h1')).toBe('De retour sur le site de la commune');
  });

  it('asks for one click in French when JavaScript is off', async () => {
    const page = await signInWithFormPost(false);
    const explanation = page.getByText('Si la page ne se poursuit pas d’elle-même');
    await explanation.waitFor();
    expect(await explanation.isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL(world.site.redirectUri);
    expect(await page.textContent('h1')).toBe('De retour sur le site de la commune');
  });
});
