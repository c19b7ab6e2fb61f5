import { anAccount } from '../support/builders.js';
import { accountMessages, fill, resetForgottenPassword } from './account-support.js';
import { startBrowserWorld } from './support.js';
import { useWorld } from '../support/world.js';

const fr = accountMessages('fr');
const world = useWorld(startBrowserWorld);

describe('a citizen who forgot the password, in a real browser', () => {
  it.each([
    ['with JavaScript', true, 'simone.veil@example.org', 'une loi pour toutes les femmes de France'],
    ['without JavaScript', false, 'olympe.de.gouges@example.org', 'sans javascript mais avec une phrase'],
  ])(
    '%s: asks for a link from a commune site’s login page, gets the same answer as for an unknown email, chooses a new password from the mail, and signs in at the site with it but not with the old one',
    async (_label, javaScriptEnabled, email, newPassword) => {
      const citizen = await anAccount(world.server.accounts, { email });
      const page = await world.newPage({ javaScriptEnabled });
      const unknownEmail = `personne-${javaScriptEnabled ? 'js' : 'sans-js'}@example.org`;

      const journey = await resetForgottenPassword(world, page, citizen, { unknownEmail, newPassword });

      expect(journey).toMatchObject({
        answers: {
          unknownEmail: fill(fr.account.password.forgot_sent, { email: unknownEmail }),
          citizenEmail: fill(fr.account.password.forgot_sent, { email: citizen.email }),
        },
        mailsToUnknownEmail: 0,
        resetPage: { lang: 'fr', done: fr.account.password.reset_done },
        oldPasswordRefusal: expect.stringContaining(fr.login.invalid_credentials),
        siteReads: citizen.email,
      });
    },
  );
});
