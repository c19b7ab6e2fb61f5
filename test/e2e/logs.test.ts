import { aClient, aCommune, anAccount } from '../support/builders.js';
import { loginPageAt, oidc, signInAt } from '../support/relying-party.js';
import { startTestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const lines: string[] = [];
const server = useWorld(() =>
  startTestServer(
    { LOG_LEVEL: 'trace' },
    {
      write: (line: string) => {
        lines.push(line);
      },
    },
  ),
);

describe('logs', () => {
  it('record every request as JSON with a request id, and never a secret, a token, a code or an email', async () => {
    await aCommune(server.registry, { slug: 'bron' });
    const site = await aClient(server.registry, 'bron');
    const citizen = await anAccount(server.accounts);
    const agent = new UserAgent(server.issuer);
    await agent.submit(await loginPageAt(site, agent), { email: citizen.email, password: 'a wrong password, logged nowhere' });
    const { config, callback, tokens } = await signInAt(site, agent, citizen);
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
