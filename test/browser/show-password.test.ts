// The show-password toggle, a progressive enhancement: with JavaScript a button beside each password input
// shows and hides it (keyboard included); without, the input is as it was and nothing is missing.
import { startAuthorization } from '../support/relying-party.js';
import { useWorld } from '../support/world.js';
import { startBrowserWorld } from './support.js';

const world = useWorld(startBrowserWorld);

describe('the show-password toggle', () => {
  it('shows and hides the password from the keyboard, and says which it is', async () => {
    const page = await world.newPage();
    await page.goto((await startAuthorization(world.config, world.client)).url);
    const password = page.getByLabel('Mot de passe', { exact: true });
    await password.fill('une phrase secrète');
    const toggle = page.getByRole('button', { name: 'Afficher le mot de passe', exact: true });
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await password.getAttribute('type')).toBe('text');
    const hide = page.getByRole('button', { name: 'Masquer le mot de passe', exact: true });
    expect(await hide.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Space');
    expect(await password.getAttribute('type')).toBe('password');
    expect(await password.inputValue()).toBe('une phrase secrète');
  });

  it('is absent without JavaScript, where the password input works as it is', async () => {
    const page = await world.newPage({ javaScriptEnabled: false });
    await page.goto((await startAuthorization(world.config, world.client)).url);
    expect(await page.getByRole('button', { name: 'Afficher le mot de passe' }).count()).toBe(0);
    expect(await page.getByLabel('Mot de passe', { exact: true }).getAttribute('type')).toBe('password');
  });
});
