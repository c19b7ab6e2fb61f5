// "Use another account" in a session opened through FranceConnect: the session ends at FranceConnect too,
// as a logout does (otherwise its button would sign the same person in again), then the login page of the
// same authorization request shows.
import { isLoginPage } from '../support/account-space.js';
import { withFranceConnect } from '../support/franceconnect.js';
import { discover, startAuthorization } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  withFranceConnect((env) => anOidcWorld({ communes: ['bron'], clients: { site: { isFirstParty: true } }, env })),
);

async function authorizationAt(agent: UserAgent, extra: Record<string, string> = {}) {
  return agent.navigate((await startAuthorization(await discover(world.server.issuer, world.site), world.site, extra)).url);
}

/** A browser signed in through FranceConnect as a new citizen; answers it and the citizen's FranceConnect sub. */
async function signedInWithFranceConnect(): Promise<{ agent: UserAgent; sub: string }> {
  const sub = `fc-choice-${Date.now()}`;
  world.franceConnect.addCitizen({
    sub,
    claims: { given_name: 'Angela', family_name: 'DUBOIS', email: `${sub}@example.org`, email_verified: true },
  });
  world.franceConnect.decide({ signIn: sub });
  const agent = new UserAgent(world.server.issuer);
  const login = (await authorizationAt(agent)) as Page;
  const button = formsOf(login.html).findIndex((form) => form.action.endsWith('/franceconnect'));
  const toFranceConnect = await agent.submit(login, {}, button);
  if (isPage(toFranceConnect)) throw new Error(`expected FranceConnect, got ${toFranceConnect.url}`);
  const back = await agent.navigate(await world.franceConnect.follow(toFranceConnect.leftTo));
  if (isPage(back)) throw new Error(`expected the site, got ${back.status} ${back.url}: ${back.html.slice(0, 200)}`);
  return { agent, sub };
}

describe('the account choice after a FranceConnect sign-in', () => {
  it('ends the FranceConnect session too, then shows the login page of the same request', async () => {
    const { agent, sub } = await signedInWithFranceConnect();
    const choice = await authorizationAt(agent, { prompt: 'select_account' });
    if (!isPage(choice) || !choice.html.includes('Utiliser un autre compte')) throw new Error('expected the account choice');
    const left = await agent.submit(choice, { decision: 'switch' });
    if (isPage(left)) throw new Error(`expected FranceConnect's logout, got ${left.status} ${left.url}`);
    expect(new URL(left.leftTo).origin).toBe(world.franceConnect.issuer);
    const back = await world.franceConnect.logOut(left.leftTo);
    expect(world.franceConnect.endedSessions).toContain(sub);
    const login = await agent.navigate(back);
    expect(isLoginPage(login)).toBe(true);
    // Signed out here as well: a fresh request at the site asks to sign in.
    expect(isLoginPage(await authorizationAt(agent))).toBe(true);
  });
});
