// Connected services (revoking one removes its grant, stops its tokens and logs it out by back channel)
// and sessions (where the citizen is signed in; sign out one, or everywhere).
import { anAccount } from '../support/builders.js';
import { isLoginPage, pageAt, signedIn, submitTo, textOf } from '../support/account-space.js';
import { startLogoutReceiver } from '../support/logout-receiver.js';
import { oidc, signInAt, startAuthorization } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const receiver = useWorld(startLogoutReceiver);
const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'saint-fons', name: 'Saint-Fons' },
      { slug: 'rillieux', name: 'Rillieux-la-Pape' },
    ],
    clients: {
      mairie: { name: 'Mairie de Saint-Fons', backchannelLogoutUri: receiver.uri },
      piscine: { commune: 'rillieux', name: 'Piscine de Rillieux' },
    },
  }),
);

const todayInFrench = () => new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(new Date());

/** The session cards of the sessions page, as their text and the index of their "sign out" form. */
function sessionCards(page: Page) {
  return [...page.html.matchAll(/<li class="panel">([\s\S]*?)<\/li>/g)].map((match, index) => ({ text: match[1]!, formIndex: index }));
}

describe('connected services', () => {
  it('lists every site the citizen allowed, with its commune and since when', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    await signInAt(world.mairie, browser, citizen);
    await signInAt(world.piscine, browser, citizen);

    const services = textOf(await pageAt(browser, '/account/services'));
    expect(services).toContain('Mairie de Saint-Fons');
    expect(services).toContain('Saint-Fons · depuis le');
    expect(services).toContain('Piscine de Rillieux');
    expect(services).toContain('Rillieux-la-Pape · depuis le');
    expect(services).toContain(`depuis le ${todayInFrench()}`);
  });

  it('revokes one site: its grant, refresh token and access token end, it is logged out by back channel', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    const atMairie = await signInAt(world.mairie, browser, citizen);
    const atPiscine = await signInAt(world.piscine, browser, citizen);
    const before = receiver.received.length;

    const services = await pageAt(browser, '/account/services');
    const revokeMairie = formsOf(services.html).findIndex((form) => form.fields.client_id === world.mairie.clientId);
    const revoked = await browser.submit(services, {}, revokeMairie);
    expect(isPage(revoked) && revoked.html).toContain('L’accès de Mairie de Saint-Fons a été retiré');
    expect(isPage(revoked) && revoked.html).not.toContain(world.mairie.clientId);
    expect(isPage(revoked) && revoked.html).toContain(world.piscine.clientId);

    await expect(oidc.refreshTokenGrant(atMairie.config, atMairie.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(atMairie.config, atMairie.tokens.access_token)).active).toBe(false);
    const [logout] = (await receiver.waitFor(before + 1)).slice(before);
    expect(logout).toMatchObject({ aud: world.mairie.clientId, sub: atMairie.tokens.claims()!.sub, sid: atMairie.tokens.claims()!.sid });
    expect(logout!.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });

    // The other site keeps working; the revoked one must ask for consent again.
    expect((await oidc.tokenIntrospection(atPiscine.config, atPiscine.tokens.access_token)).active).toBe(true);
    await expect(oidc.refreshTokenGrant(atPiscine.config, atPiscine.tokens.refresh_token!)).resolves.toHaveProperty('access_token');
    const again = await browser.navigate((await startAuthorization(atMairie.config, world.mairie)).url);
    expect(isPage(again) && again.html).toContain('value="allow"');
  });

  it('ignores a revocation of a site the citizen never allowed', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    const atPiscine = await signInAt(world.piscine, browser, citizen);
    const services = await pageAt(browser, '/account/services');
    const result = await submitTo(browser, services, '/account/services/revoke', { client_id: world.mairie.clientId });
    expect(isPage(result) && result.status).toBe(200);
    expect(isPage(result) && result.html).not.toContain('a été retiré');
    expect((await oidc.tokenIntrospection(atPiscine.config, atPiscine.tokens.access_token)).active).toBe(true);
  });
});

describe('sessions', () => {
  it('lists each browser where the citizen is signed in, and signs out one of them', async () => {
    const citizen = await anAccount(world.server.accounts);
    const laptop = await signedIn(world.server.issuer, citizen);
    const phone = await signedIn(world.server.issuer, citizen);

    const sessions = await pageAt(laptop, '/account/sessions');
    const cards = sessionCards(sessions);
    expect(cards).toHaveLength(2);
    expect(cards.filter((card) => card.text.includes('(cet appareil)'))).toHaveLength(1);
    for (const card of cards) {
      expect(card.text).toContain('Connecté le');
      expect(card.text).toContain('Dernière activité');
    }

    const other = cards.find((card) => !card.text.includes('(cet appareil)'))!;
    const ended = await laptop.submit(sessions, {}, other.formIndex);
    expect(isPage(ended) && ended.html).toContain('La connexion a été fermée.');
    expect(isPage(ended) && sessionCards(ended)).toHaveLength(1);
    expect(isLoginPage(await phone.navigate('/account'))).toBe(true);
    expect((await pageAt(laptop, '/account')).html).toContain('Mon profil');
  });

  it('signs out everywhere, and the sites of those sessions are logged out by back channel', async () => {
    const citizen = await anAccount(world.server.accounts);
    const laptop = await signedIn(world.server.issuer, citizen);
    const phone = new UserAgent(world.server.issuer);
    const atMairie = await signInAt(world.mairie, phone, citizen);
    // Signed in at the site, the phone reaches its account space without logging in again.
    expect((await pageAt(phone, '/account')).html).toContain('Mon profil');
    const before = receiver.received.length;

    const sessions = await pageAt(laptop, '/account/sessions');
    expect(sessionCards(sessions)).toHaveLength(2);
    const done = await submitTo(laptop, sessions, '/account/sessions/end-all', {});
    expect(isPage(done) && done.html).toContain('Vous êtes déconnecté de votre espace.');

    expect(isLoginPage(await laptop.navigate('/account'))).toBe(true);
    expect(isLoginPage(await phone.navigate('/account'))).toBe(true);
    const [logout] = (await receiver.waitFor(before + 1)).slice(before);
    expect(logout).toMatchObject({ aud: world.mairie.clientId, sub: atMairie.tokens.claims()!.sub });
  });

  it('does not sign out a session of another citizen', async () => {
    const citizen = await anAccount(world.server.accounts);
    const stranger = await anAccount(world.server.accounts);
    const mine = await signedIn(world.server.issuer, citizen);
    const theirs = await signedIn(world.server.issuer, stranger);
    const theirSession = /name="session" value="([^"]+)"/.exec((await pageAt(theirs, '/account/sessions')).html)![1]!;

    await submitTo(mine, await pageAt(mine, '/account/sessions'), '/account/sessions/end', { session: theirSession });
    expect((await pageAt(theirs, '/account')).html).toContain('Mon profil');
  });
});
