import { aClient, type TestClient } from '../support/builders.js';
import { isLoginPage, pageAt } from '../support/account-space.js';
import { discover, exchange, oidc, signInAt, startAuthorization, type Credentials } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon', 'oullins'],
    clients: { lyonFr: {}, lyonBibliotheques: {}, oullinsFr: { commune: 'oullins' }, firstParty: { isFirstParty: true } },
    accounts: { citizen: {} },
  }),
);

async function subjectFor(agent: UserAgent, client: TestClient, credentials?: Credentials) {
  return (await signInAt(client, agent, credentials)).tokens.claims()!.sub;
}

/** The citizen types the password at a fresh authorization of `client` in `agent`: answers where that leads. */
async function passwordTypedAt(client: TestClient, agent: UserAgent) {
  const config = await discover(world.server.issuer, client);
  const attempt = await startAuthorization(config, client);
  const login = await pageAt(agent, attempt.url);
  if (!isLoginPage(login)) throw new Error(`expected the login page, got ${login.url}`);
  return { config, attempt, afterLogin: await agent.submit(login, { email: world.citizen.email, password: world.citizen.password }) };
}

describe('one account on every commune site', () => {
  it('lets a second site of another commune in without a password, with a different sub', async () => {
    const agent = new UserAgent(world.server.issuer);
    const lyonSub = await subjectFor(agent, world.lyonFr, world.citizen);
    const oullinsSub = await subjectFor(agent, world.oullinsFr); // no credentials: throws if the login page shows
    expect(oullinsSub).not.toBe(lyonSub);
  });

  it('gives two sites of the same commune the same sub', async () => {
    const agent = new UserAgent(world.server.issuer);
    const first = await subjectFor(agent, world.lyonFr, world.citizen);
    const second = await subjectFor(agent, world.lyonBibliotheques);
    expect(second).toBe(first);
  });

  it('asks consent once per client, also in a later browser session', async () => {
    const firstBrowser = new UserAgent(world.server.issuer);
    await subjectFor(firstBrowser, world.oullinsFr, world.citizen);

    const { afterLogin } = await passwordTypedAt(world.oullinsFr, new UserAgent(world.server.issuer));
    expect(afterLogin).toEqual({ leftTo: expect.stringContaining(world.oullinsFr.redirectUri) });
  });

  it('remembers consent after the citizen signed out', async () => {
    const agent = new UserAgent(world.server.issuer);
    const { config, tokens } = await signInAt(world.lyonBibliotheques, agent, world.citizen);
    const confirmation = await agent.navigate(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).toString());
    if (!('html' in confirmation)) throw new Error('expected the logout confirmation');
    await agent.submit(confirmation, { logout: 'yes' });

    const { afterLogin } = await passwordTypedAt(world.lyonBibliotheques, agent);
    expect(afterLogin).toEqual({ leftTo: expect.stringContaining(world.lyonBibliotheques.redirectUri) });
  });

  it('never asks consent for a first-party client', async () => {
    const { config, attempt, afterLogin } = await passwordTypedAt(world.firstParty, new UserAgent(world.server.issuer));
    if ('html' in afterLogin) throw new Error(`expected a redirect to the site, got ${afterLogin.html.slice(0, 200)}`);
    const tokens = await exchange(config, attempt, afterLogin.leftTo);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.email).toBe(world.citizen.email);
  });
});

describe('a commune site on several hosts', () => {
  it('logs in with the commune’s pairwise sub on each host, and its sector document lists them', async () => {
    const twoHosts = await aClient(world.server.registry, 'lyon', {
      redirectUris: ['https://www.lyon.example.org/cb', 'https://lyon.example.org/cb'],
    });
    const agent = new UserAgent(world.server.issuer);
    const lyonSub = await subjectFor(agent, world.lyonFr, world.citizen);
    for (const redirectUri of twoHosts.redirectUris) {
      expect(await subjectFor(agent, { ...twoHosts, redirectUri })).toBe(lyonSub);
    }
    const sector = await (await fetch(`${world.server.issuer}/communes/lyon/sector-identifier`)).json();
    expect(sector).toEqual(
      expect.arrayContaining(['https://www.lyon.example.org/cb', 'https://lyon.example.org/cb', world.lyonFr.redirectUri]),
    );
  });
});
