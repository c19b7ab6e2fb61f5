import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

let server: TestServer;
let lyonFr: TestClient;
let lyonBibliotheques: TestClient;
let oullinsFr: TestClient;
let firstParty: TestClient;
let citizen: Awaited<ReturnType<typeof anAccount>>;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'lyon' });
  await aCommune(server.registry, { slug: 'oullins' });
  lyonFr = await aClient(server.registry, 'lyon');
  lyonBibliotheques = await aClient(server.registry, 'lyon');
  oullinsFr = await aClient(server.registry, 'oullins');
  firstParty = await aClient(server.registry, 'lyon', { isFirstParty: true });
  citizen = await anAccount(server.accounts);
});

afterAll(async () => {
  await server.stop();
});

async function subjectFor(agent: UserAgent, client: TestClient, credentials?: { email: string; password: string }) {
  const config = await discover(server.issuer, client);
  const attempt = await startAuthorization(config, client);
  const callback = await signIn(agent, attempt, credentials);
  return (await exchange(config, attempt, callback)).claims()!.sub;
}

describe('one account on every commune site', () => {
  it('lets a second site of another commune in without a password, with a different sub', async () => {
    const agent = new UserAgent(server.issuer);
    const lyonSub = await subjectFor(agent, lyonFr, citizen);
    const oullinsSub = await subjectFor(agent, oullinsFr); // no credentials: throws if the login page shows
    expect(oullinsSub).not.toBe(lyonSub);
  });

  it('gives two sites of the same commune the same sub', async () => {
    const agent = new UserAgent(server.issuer);
    const first = await subjectFor(agent, lyonFr, citizen);
    const second = await subjectFor(agent, lyonBibliotheques);
    expect(second).toBe(first);
  });

  it('asks consent once per client, also in a later browser session', async () => {
    const firstBrowser = new UserAgent(server.issuer);
    await subjectFor(firstBrowser, oullinsFr, citizen);

    const laterBrowser = new UserAgent(server.issuer);
    const config = await discover(server.issuer, oullinsFr);
    const attempt = await startAuthorization(config, oullinsFr);
    const loginPage = await laterBrowser.navigate(attempt.url);
    if (!('html' in loginPage)) throw new Error('expected the login page');
    const afterLogin = await laterBrowser.submit(loginPage, { email: citizen.email, password: citizen.password });
    expect(afterLogin).toEqual({ leftTo: expect.stringContaining(oullinsFr.redirectUri) });
  });

  it('remembers consent after the citizen signed out', async () => {
    const agent = new UserAgent(server.issuer);
    const config = await discover(server.issuer, lyonBibliotheques);
    const first = await startAuthorization(config, lyonBibliotheques);
    const tokens = await exchange(config, first, await signIn(agent, first, citizen));
    const confirmation = await agent.navigate(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).toString());
    if (!('html' in confirmation)) throw new Error('expected the logout confirmation');
    await agent.submit(confirmation, { logout: 'yes' });

    const again = await startAuthorization(config, lyonBibliotheques);
    const loginPage = await agent.navigate(again.url);
    if (!('html' in loginPage)) throw new Error('expected the login page after logout');
    const afterLogin = await agent.submit(loginPage, { email: citizen.email, password: citizen.password });
    expect(afterLogin).toEqual({ leftTo: expect.stringContaining(lyonBibliotheques.redirectUri) });
  });

  it('never asks consent for a first-party client', async () => {
    const agent = new UserAgent(server.issuer);
    const config = await discover(server.issuer, firstParty);
    const attempt = await startAuthorization(config, firstParty);
    const loginPage = await agent.navigate(attempt.url);
    if (!('html' in loginPage)) throw new Error('expected the login page');
    const afterLogin = await agent.submit(loginPage, { email: citizen.email, password: citizen.password });
    if ('html' in afterLogin) throw new Error(`expected a redirect to the site, got ${afterLogin.html.slice(0, 200)}`);
    const tokens = await exchange(config, attempt, afterLogin.leftTo);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.email).toBe(citizen.email);
  });
});

describe('a commune site on several hosts', () => {
  it('logs in with the commune’s pairwise sub on each host, and its sector document lists them', async () => {
    const twoHosts = await aClient(server.registry, 'lyon', {
      redirectUris: ['https://www.lyon.example.org/cb', 'https://lyon.example.org/cb'],
    });
    const agent = new UserAgent(server.issuer);
    const lyonSub = await subjectFor(agent, lyonFr, citizen);
    for (const redirectUri of twoHosts.redirectUris) {
      expect(await subjectFor(agent, { ...twoHosts, redirectUri })).toBe(lyonSub);
    }
    const sector = await (await fetch(`${server.issuer}/communes/lyon/sector-identifier`)).json();
    expect(sector).toEqual(expect.arrayContaining(['https://www.lyon.example.org/cb', 'https://lyon.example.org/cb', lyonFr.redirectUri]));
  });
});
