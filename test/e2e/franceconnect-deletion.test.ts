// Deleting an account that has no password of ours (made from FranceConnect): confirmed by signing in again at
// FranceConnect (prompt=login, max_age=0), through the stand-in. As the attacker: an answer for another FranceConnect
// identity, an answer reporting an old authentication, an answer carried to another browser or replayed, the
// confirmation page reached without a round trip, and an account that has a password asking for this way: none deletes.
import { findFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { anAccount } from '../support/builders.js';
import { csrfOf, pageAt, signedIn, textOf } from '../support/account-space.js';
import { withFranceConnect, type FranceConnectStandIn } from '../support/franceconnect.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { startAuthorization, discover } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  withFranceConnect((env) => anOidcWorld({ communes: ['bron'], clients: { site: { isFirstParty: true } }, env })),
);

const START = '/account/delete/franceconnect';
const CONFIRMED = '/account/delete/franceconnect/confirmed';
let citizens = 0;

function aFranceConnectIdentity(): { sub: string; email: string } {
  citizens += 1;
  const sub = `fc-delete-${citizens}-${Date.now()}`;
  const email = `fc-delete-${citizens}-${Date.now()}@example.org`;
  world.franceConnect.addCitizen({ sub, claims: { given_name: 'Léa', family_name: 'MARTIN', birthdate: '1980-01-02', email } });
  return { sub, email };
}

/** A citizen whose account FranceConnect made (no password of ours), signed in through FranceConnect. */
async function aFranceConnectCitizen(): Promise<{ agent: UserAgent; sub: string; accountId: string }> {
  const { sub } = aFranceConnectIdentity();
  const agent = new UserAgent(world.server.issuer);
  const attempt = await startAuthorization(await discover(agent.issuer, world.site), world.site);
  const login = await agent.navigate(attempt.url);
  if (!isPage(login)) throw new Error('expected the login page');
  world.franceConnect.decide({ signIn: sub });
  const left = await agent.submit(
    login,
    {},
    formsOf(login.html).findIndex((form) => form.action.endsWith('/franceconnect')),
  );
  if (isPage(left)) throw new Error('expected FranceConnect');
  const done = await agent.navigate(await world.franceConnect.follow(left.leftTo));
  if (isPage(done)) throw new Error(`expected the site, got ${done.status} ${done.url}`);
  const accountId = (await findFederatedIdentity(world.server.pool, 'franceconnect', sub))?.accountId;
  if (!accountId) throw new Error('no account made');
  return { agent, sub, accountId };
}

/** The deletion form's button: answers where the browser is sent (FranceConnect), or the page when refused. */
async function pressDelete(agent: UserAgent): Promise<Page | { leftTo: string }> {
  const form = await pageAt(agent, '/account/delete');
  return agent.navigate(START, { method: 'POST', form: { _csrf: csrfOf(form) } });
}

/** Through FranceConnect (as `decide` says) and back to our callback: the page it ends on. */
async function confirmAtFranceConnect(agent: UserAgent, decision: Parameters<FranceConnectStandIn['decide']>[0]) {
  const left = await pressDelete(agent);
  if (isPage(left)) throw new Error(`expected FranceConnect, got ${left.status}`);
  world.franceConnect.decide(decision);
  const callback = await world.franceConnect.follow(left.leftTo);
  return { callback, page: await agent.navigate(callback) };
}

const exists = async (accountId: string) => (await world.server.accounts.findById(accountId)) !== undefined;

describe('deleting an account that has no password', () => {
  it('offers FranceConnect instead of a password, asks it for a new sign-in, and deletes on a fresh one of the linked identity', async () => {
    const { agent, sub, accountId } = await aFranceConnectCitizen();
    const form = await pageAt(agent, '/account/delete');
    expect(form.html).not.toContain('name="current_password"');
    expect(textOf(form)).toContain('confirmez sa suppression en vous identifiant de nouveau avec FranceConnect');
    const left = await pressDelete(agent);
    if (isPage(left)) throw new Error('expected FranceConnect');
    const asked = new URL(left.leftTo);
    expect([asked.origin, asked.searchParams.get('prompt'), asked.searchParams.get('max_age')]).toEqual([
      world.franceConnect.issuer,
      'login',
      '0',
    ]);
    world.franceConnect.decide({ signIn: sub });
    const done = await agent.navigate(await world.franceConnect.follow(left.leftTo));
    if (!isPage(done)) throw new Error('expected a page');
    expect([done.status, done.url.endsWith(CONFIRMED)]).toEqual([200, true]);
    expect(textOf(done)).toContain('Votre compte a été supprimé.');
    expect(await exists(accountId)).toBe(false);
    expect(await findFederatedIdentity(world.server.pool, 'franceconnect', sub)).toBeUndefined();
  });
});

describe('the deletion by FranceConnect, as the attacker', () => {
  it('does not delete on an answer for another FranceConnect identity', async () => {
    const { agent, accountId } = await aFranceConnectCitizen();
    const other = aFranceConnectIdentity();
    const { page } = await confirmAtFranceConnect(agent, { signIn: other.sub });
    if (!isPage(page)) throw new Error('expected a page');
    expect(page.status).toBe(403);
    expect(textOf(page)).toContain('une autre identité FranceConnect que celle reliée à ce compte');
    expect(page.html).toContain('href="/account/delete"');
    const confirmed = await agent.navigate(CONFIRMED);
    expect(isPage(confirmed) && confirmed.status).toBe(400);
    expect(await exists(accountId)).toBe(true);
  });

  it('does not delete on an answer whose auth_time is older than the request', async () => {
    const { agent, sub, accountId } = await aFranceConnectCitizen();
    const { page } = await confirmAtFranceConnect(agent, { signIn: sub, authTimeSecondsAgo: 600 });
    expect(isPage(page) && page.status).toBe(403);
    expect(isPage(page) && textOf(page)).toContain('n’a pas confirmé une identification faite à l’instant');
    expect((await agent.request(CONFIRMED)).status).toBe(400);
    expect(await exists(accountId)).toBe(true);
  });

  it('does not delete from the confirmation page reached without a round trip', async () => {
    const { agent, accountId } = await aFranceConnectCitizen();
    const direct = await agent.navigate(CONFIRMED);
    expect(isPage(direct) && direct.status).toBe(400);
    expect(isPage(direct) && textOf(direct)).toContain('rien n’a été supprimé');
    expect(await exists(accountId)).toBe(true);
  });

  it('does not delete on an answer carried to another browser signed in to the same account, nor on its replay', async () => {
    const { agent, sub, accountId } = await aFranceConnectCitizen();
    const left = await pressDelete(agent);
    if (isPage(left)) throw new Error('expected FranceConnect');
    world.franceConnect.decide({ signIn: sub });
    const callback = await world.franceConnect.follow(left.leftTo);
    // Another browser with its own session of the account (the reauthentication cookie stays with the first one).
    const thief = new UserAgent(world.server.issuer);
    for (const [name, value] of agent.cookies) if (!name.startsWith('glc.fc')) thief.cookies.set(name, value);
    const answered = await thief.navigate(callback);
    expect(isPage(answered) && answered.status).toBe(400);
    expect((await thief.request(CONFIRMED)).status).toBe(400);
    // The answer was spent by its first use: the browser that asked cannot use it after.
    const replayed = await agent.navigate(callback);
    expect(isPage(replayed) && replayed.status).toBe(400);
    expect((await agent.request(CONFIRMED)).status).toBe(400);
    expect(await exists(accountId)).toBe(true);
  });

  it('refuses this way to an account that has a password, which deletes with it', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    expect((await pageAt(agent, '/account/delete')).html).toContain('name="current_password"');
    const refused = await pressDelete(agent);
    expect(isPage(refused) && refused.status).toBe(400);
    expect(await exists(citizen.id)).toBe(true);
  });
});
