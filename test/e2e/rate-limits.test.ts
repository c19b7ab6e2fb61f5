import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { discover, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { isPage, UserAgent } from '../support/user-agent.js';

let server: TestServer;
let site: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  await aCommune(server.registry, { slug: 'lyon' });
  site = await aClient(server.registry, 'lyon');
});

afterAll(async () => {
  await server.stop();
});

async function tryPassword(email: string, password: string) {
  const agent = new UserAgent(server.issuer);
  const login = await agent.navigate((await startAuthorization(await discover(server.issuer, site), site)).url);
  if (!isPage(login)) throw new Error('expected the login page');
  return agent.submit(login, { email, password });
}

describe('password guessing', () => {
  it('stops answering guesses on one account after the per-minute limit, even with the right password', async () => {
    const { failedLoginsPerMinutePerAccount } = server.config.rateLimits;
    const citizen = await anAccount(server.accounts);
    for (let attempt = 0; attempt < failedLoginsPerMinutePerAccount; attempt++) {
      const refused = await tryPassword(citizen.email, `guess number ${attempt} of many`);
      expect(isPage(refused) && refused.status).toBe(401);
    }
    const limited = await tryPassword(citizen.email, citizen.password);
    if (!isPage(limited)) throw new Error('a rate-limited login must not go through');
    expect(limited.status).toBe(429);
    expect(limited.html).toContain('Trop de tentatives');
  });

  it('does not count successful logins', async () => {
    const regular = await anAccount(server.accounts);
    for (let attempt = 0; attempt <= server.config.rateLimits.failedLoginsPerMinutePerAccount; attempt++) {
      const result = await tryPassword(regular.email, regular.password);
      expect(isPage(result) && result.status).toBe(200); // the consent page, every time
    }
  });

  it('keeps counting other accounts separately', async () => {
    const other = await anAccount(server.accounts);
    const result = await tryPassword(other.email, other.password);
    if (!isPage(result)) throw new Error('expected the consent page');
    expect(result.status).toBe(200);
    expect(result.html).toContain('value="allow"');
  });
});
