import { anAccount } from '../support/builders.js';
import { accountMessages, fill, resetForgottenPassword } from './account-support.js';
import { startBrowserWorld, type BrowserWorld } from './support.js';

const fr = accountMessages('fr');
let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

describe('a citizen who forgot the password, in a real browser', () => {
  it('asks for a link from the login page, gets the same answer as for an unknown email, chooses a new password from the mail, and signs in at the site with it but not with the old one', async () => {
    const citizen = await anAccount(world.server.accounts, { email: 'simone.veil@example.org' });
    const page = await world.newPage();

    const journey = await resetForgottenPassword(world, page, citizen, {
      unknownEmail: 'personne@example.org', newPassword: 'une loi pour toutes les femmes de France',
    });

    expect(journey).toMatchObject({
      answers: {
        unknownEmail: fill(fr.account.password.forgot_sent, { email: 'personne@example.org' }),
        citizenEmail: fill(fr.account.password.forgot_sent, { email: citizen.email }),
      },
      mailsToUnknownEmail: 0,
      resetPage: { lang: 'fr', done: fr.account.password.reset_done },
      oldPasswordRefusal: expect.stringContaining(fr.login.invalid_credentials),
      siteReads: citizen.email,
    });
  });
});
