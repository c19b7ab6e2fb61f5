// Behind one reverse proxy (TRUST_PROXY=1) the client's address is the entry the proxy appended to
// X-Forwarded-For; whatever the client wrote there itself is not believed.
import { anAccount } from '../support/builders.js';
import { pageAt, signedIn } from '../support/account-space.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { loginPageAt } from '../support/relying-party.js';
import { startReverseProxy } from '../support/reverse-proxy.js';
import { freePort } from '../support/server.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

// The proxy is the public face: ISSUER is its URL, and the server only ever hears from it.
const world = useWorld(async () =>
  anOidcWorld({
    communes: ['vaulx'],
    clients: { site: {} },
    env: { ISSUER: `http://127.0.0.1:${await freePort()}`, TRUST_PROXY: '1' },
  }),
);
const proxy = useWorld(() => startReverseProxy(Number(new URL(world.server.issuer).port), world.server.config.port));
/** The address the proxy sees for every request of these tests (the loopback it listens on). */
const REAL_ADDRESS = '127.0.0.1';
const forged = (n: number) => `203.0.113.${n % 250}, 198.51.100.${(n * 7) % 250}`;

describe('X-Forwarded-For written by the client behind TRUST_PROXY=1', () => {
  it('lists the real address, not the forged one, in the session list and the security history', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(proxy.url);
    browser.headers['x-forwarded-for'] = '1.2.3.4, 10.66.66.66';
    await signedIn(proxy.url, citizen, browser);
    await pageAt(browser, '/account/sessions');
    const exported = (await (await browser.request('/account/export.json')).json()) as {
      sessions: { ip: string | null }[];
      security_history: { event: string; ip: string | null }[];
    };
    expect(exported.sessions.map((s) => s.ip)).toEqual([REAL_ADDRESS]);
    const login = exported.security_history.find((e) => e.event === 'login');
    expect(login?.ip).toBe(REAL_ADDRESS);
    expect(JSON.stringify(exported)).not.toMatch(/1\.2\.3\.4|10\.66\.66\.66/);
  });

  // Last: it leaves the real address delayed for that account.
  it('counts guesses sprayed with forged leftmost entries against the real address, and refuses them after the limit', async () => {
    // Guesses on one account from one address: the pair (account, address) gets `free` checks, then waits.
    const limit = world.server.config.rateLimits.passwordChecks.perAccountAndAddress.free;
    const agent = new UserAgent(proxy.url);
    let page: Page = await loginPageAt(world.site, agent);
    const statuses: number[] = [];
    for (let guess = 0; guess <= 2 * limit && !statuses.includes(429); guess++) {
      agent.headers['x-forwarded-for'] = forged(guess);
      const answer = await agent.submit(page, { email: 'sprayed@example.org', password: `guess number ${guess} of many` });
      if (!isPage(answer)) throw new Error('a wrong password must not sign in');
      statuses.push(answer.status);
      page = answer;
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(limit);
  });
});
