// App-code guessing as an attacker who has the password does it: twenty wrong codes at once from one
// address. Each is counted before it is checked, so only the free ones are checked at all; the citizen,
// from another address, still completes the second factor. Addresses come from X-Forwarded-For (TRUST_PROXY=1).
import { anAccount } from '../support/builders.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, startAuthorization } from '../support/relying-party.js';
import { expectPage, TestAuthenticator } from '../support/second-factor.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

// A long first wait, so that "at once" does not depend on how fast this machine answers twenty requests.
const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon'],
    clients: { site: { isFirstParty: true } },
    env: { TRUST_PROXY: '1' },
    tune: ({ rateLimits }) => ({
      rateLimits: {
        ...rateLimits,
        secondFactorChecks: {
          ...rateLimits.secondFactorChecks,
          perAccountAndAddress: { ...rateLimits.secondFactorChecks.perAccountAndAddress, firstDelaySeconds: 600 },
        },
      },
    }),
  }),
);

function agentAt(address: string): UserAgent {
  const agent = new UserAgent(world.server.issuer);
  agent.headers['x-forwarded-for'] = address;
  return agent;
}

/** The second-factor page after the password, at a fresh authorization in `agent`. */
async function secondFactorStep(agent: UserAgent, email: string, password: string) {
  const attempt = await startAuthorization(await discover(world.server.issuer, world.site), world.site);
  const login = await expectPage(await agent.navigate(attempt.url));
  return expectPage(await agent.submit(login, { email, password }));
}

describe('throttled second factors', () => {
  it('counts twenty parallel wrong codes, checks only the free ones, and lets the citizen in from elsewhere', async () => {
    const account = await anAccount(world.server.accounts);
    const started = await world.server.factors.startTotp(account.id, account.email);
    const app = new TestAuthenticator(started?.secret ?? '');
    await app.enrolWith((code) => world.server.factors.confirmTotp(account.id, code));

    const attacker = agentAt('198.51.100.77');
    const step = await secondFactorStep(attacker, account.email, account.password);
    const wrong = app.code() === '000000' ? '111111' : '000000';
    const answers = await Promise.all(Array.from({ length: 20 }, () => attacker.submitOnce(step, { code: wrong })));
    const statuses = answers.map((answer) => answer.status);
    const { free } = world.server.config.rateLimits.secondFactorChecks.perAccountAndAddress;
    expect(statuses.filter((status) => status === 401)).toHaveLength(free);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20 - free);
    expect(answers.find((answer) => answer.status === 429)?.headers.get('retry-after')).toMatch(/^[0-9]+$/);

    // Even the right code waits at the attacker's address…
    expect((await attacker.submitOnce(step, { code: app.code() })).status).toBe(429);
    // …but not at the citizen's.
    const citizen = agentAt('203.0.113.5');
    const own = await secondFactorStep(citizen, account.email, account.password);
    const result = await citizen.submit(own, { code: app.code(1) });
    expect(isPage(result)).toBe(false);
  });
});
