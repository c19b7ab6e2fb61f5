import { aClient, aCommune, anAccount } from '../support/builders.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

const lines: string[] = [];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'trace' }, { write: (line: string) => { lines.push(line); } });
});

afterAll(async () => {
  await server.stop();
});

describe('logs', () => {
  it('record every request as JSON with a request id, and never a secret, a token, a code or an email', async () => {
    await aCommune(server.registry, { slug: 'bron' });
    const site = await aClient(server.registry, 'bron');
    const citizen = await anAccount(server.accounts);
    const config = await discover(server.issuer, site);
    const agent = new UserAgent(server.issuer);
    const refused = await agent.navigate((await startAuthorization(config, site)).url);
    if ('html' in refused) await agent.submit(refused, { email: citizen.email, password: 'a wrong password, logged nowhere' });
    const attempt = await startAuthorization(config, site);
    const callback = await signIn(agent, attempt, citizen);
    const tokens = await exchange(config, attempt, callback);
    await oidc.refreshTokenGrant(config, tokens.refresh_token!);

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = records.filter((record) => record.event === 'http.request');
    expect(requests.length).toBeGreaterThan(5);
    for (const record of requests) expect(record.requestId).toEqual(expect.any(String));
    expect(records.some((record) => record.event === 'login.failed')).toBe(true);
    expect(records.some((record) => record.event === 'login.succeeded')).toBe(true);

    const everything = lines.join('\n');
    const secrets = {
      password: citizen.password,
      wrongPassword: 'a wrong password, logged nowhere',
      clientSecret: site.clientSecret!,
      code: new URL(callback).searchParams.get('code')!,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token!,
      idToken: tokens.id_token!,
      email: citizen.email,
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, leaked: everything.includes(value) }).toEqual({ name, leaked: false });
    }
  });
});
