// The code mailed before a FranceConnect link, end to end with the stand-in and a commune site (openid-client): the
// account of FranceConnect's email is linked once its owner types the code mailed to it, and signs in as with its
// password; an account with no password is linked that way too. As the attacker: a code mailed for one account
// does not link another, a code works once (even twice at once) and no longer once a new one was asked, an expired
// code and guesses past the limiter are refused, and no log line holds a code.
import { findFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { aClient, aCommune, anAccount, type TestAccount } from '../support/builders.js';
import { withFranceConnect } from '../support/franceconnect.js';
import { mailsTo } from '../support/outbox.js';
import { discover, exchange, startAuthorization } from '../support/relying-party.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const logLines: string[] = [];
const world = useWorld(() =>
  withFranceConnect(async (env) => {
    const server: TestServer = await startTestServer({ ...env, LOG_LEVEL: 'trace' }, { write: (line: string) => logLines.push(line) });
    await aCommune(server.registry, { slug: 'bron' });
    return { server, site: await aClient(server.registry, 'bron', { isFirstParty: true }), stop: () => server.stop() };
  }),
);

let citizens = 0;
/** FranceConnect's next sign-in is of a citizen with this email. */
function franceConnectSignsIn(email: string): string {
  citizens += 1;
  const sub = `fc-code-${citizens}-${Date.now()}`;
  world.franceConnect.addCitizen({ sub, claims: { given_name: 'Léa', family_name: 'MARTIN', birthdate: '1980-01-02', email } });
  world.franceConnect.decide({ signIn: sub });
  return sub;
}

const formIndexOf = (page: Page, suffix: string) => formsOf(page.html).findIndex((form) => form.action.endsWith(suffix));

async function pressFranceConnect(agent: UserAgent, page: Page): Promise<Page> {
  const left = await agent.submit(page, {}, formIndexOf(page, '/franceconnect'));
  if (isPage(left)) throw new Error(`expected FranceConnect, got ${left.status} ${left.url}`);
  const back = await agent.navigate(await world.franceConnect.follow(left.leftTo));
  if (!isPage(back) || !back.url.endsWith('/franceconnect/link')) throw new Error('expected the link page');
  return back;
}

/** From a commune site to our link page, FranceConnect having answered with `email`. */
async function linkPageFor(email: string, agent = new UserAgent(world.server.issuer)) {
  const config = await discover(agent.issuer, world.site);
  const attempt = await startAuthorization(config, world.site);
  const login = await agent.navigate(attempt.url);
  if (!isPage(login)) throw new Error('expected the login page');
  const sub = franceConnectSignsIn(email);
  return { agent, config, attempt, sub, link: await pressFranceConnect(agent, login) };
}

/** "Recevoir un code par courriel": the code page, and the code as the mail to `email` carries it. */
async function askCode(agent: UserAgent, page: Page, email: string): Promise<{ form: Page; code: string }> {
  const before = (await mailsTo(world.server, email)).length;
  const form = await agent.submit(page, {}, formIndexOf(page, '/link/code'));
  if (!isPage(form) || !form.url.endsWith('/franceconnect/link/code')) throw new Error('expected the code page');
  const mails = await mailsTo(world.server, email);
  expect(mails).toHaveLength(before + 1);
  const code = /\b(\d{8})\b/.exec(mails.at(-1)!.raw)?.[1];
  if (!code) throw new Error('no code in the mail');
  return { form, code };
}

const typeCode = (agent: UserAgent, form: Page, code: string) => agent.submit(form, { code }, formIndexOf(form, '/link/code/check'));

const linkedAccountOf = async (sub: string) => (await findFederatedIdentity(world.server.pool, 'franceconnect', sub))?.accountId;

function expectRefused(result: Page | { leftTo: string }, status: number): Page {
  if (!isPage(result)) throw new Error(`expected a refusal, left to ${result.leftTo}`);
  expect(result.status).toBe(status);
  return result;
}

describe('linking FranceConnect after a code mailed to the account', () => {
  it('links the account of FranceConnect’s email once its code is typed, and lands on that account as its password would', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { agent, config, attempt, sub, link } = await linkPageFor(citizen.email);
    expect(link.html).toContain('Recevoir un code par courriel');
    const { form, code } = await askCode(agent, link, citizen.email);
    expect(form.html).toContain('autocomplete="one-time-code"');
    const done = await typeCode(agent, form, code);
    if (isPage(done)) throw new Error(`expected the site, got ${done.status}: ${done.html.slice(0, 200)}`);
    const tokens = await exchange(config, attempt, done.leftTo);
    expect(tokens.claims()?.amr).toEqual(['fc']);
    expect(await linkedAccountOf(sub)).toBe(citizen.id);
    const history = await world.server.accounts.securityHistory(citizen.id);
    expect(history.map((event) => event.kind)).toContain('franceconnect_linked');
  });

  it('links an account that has no password (passkey-only, or made elsewhere) through the code', async () => {
    const citizen = await anAccount(world.server.accounts);
    await world.server.pool.query('update accounts set password_hash = null where id = $1', [citizen.id]);
    const { agent, sub, link } = await linkPageFor(citizen.email);
    const { form, code } = await askCode(agent, link, citizen.email);
    expect(isPage(await typeCode(agent, form, code))).toBe(false);
    expect(await linkedAccountOf(sub)).toBe(citizen.id);
  });

  it('refuses a wrong code with the form again, readable, and links nothing', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { agent, sub, link } = await linkPageFor(citizen.email);
    const { form, code } = await askCode(agent, link, citizen.email);
    const wrong = String((Number(code) + 1) % 1e8).padStart(8, '0');
    const refused = expectRefused(await typeCode(agent, form, wrong), 401);
    expect(refused.html).toContain('Ce code n’est pas le bon, a expiré ou a déjà servi.');
    expect(refused.html).toMatch(/id="field-code"[^>]*aria-invalid="true"/);
    expect(await linkedAccountOf(sub)).toBeUndefined();
  });
});

describe('the mailed code, as the attacker', () => {
  it('does not link account B with a code mailed for account A, in the same browser and interaction', async () => {
    const mine: TestAccount = await anAccount(world.server.accounts);
    const victim: TestAccount = await anAccount(world.server.accounts);
    // The attacker's FranceConnect identity has the attacker's address: the code arrives in the attacker's mailbox.
    const { agent, link } = await linkPageFor(mine.email);
    const { code } = await askCode(agent, link, mine.email);
    // Back to the login page of the same interaction, then FranceConnect again, now with the victim's address.
    const login = await agent.navigate(link.url.replace(/\/franceconnect\/link$/, ''));
    if (!isPage(login)) throw new Error('expected the login page');
    const victimSub = franceConnectSignsIn(victim.email);
    const victimLink = await pressFranceConnect(agent, login);
    expect(victimLink.html).toContain(victim.email);
    const forged = await agent.navigate(`${victimLink.url}/code/check`, {
      method: 'POST',
      form: { _csrf: formsOf(victimLink.html)[0]!.fields._csrf!, code },
    });
    expectRefused(forged, 401);
    expect(await linkedAccountOf(victimSub)).toBeUndefined();
    expect(await world.server.accounts.franceConnect.linkOf(victim.id)).toBeUndefined();
  });

  it('accepts a code once, even posted twice at once', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { agent, sub, link } = await linkPageFor(citizen.email);
    const { form, code } = await askCode(agent, link, citizen.email);
    const check = formIndexOf(form, '/link/code/check');
    const answers = await Promise.all([agent.submitOnce(form, { code }, check), agent.submitOnce(form, { code }, check)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 401]);
    expect(await linkedAccountOf(sub)).toBe(citizen.id);
  });

  it('refuses a code once a new one was asked, and a code past its ten minutes', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { agent, sub, link } = await linkPageFor(citizen.email);
    const first = await askCode(agent, link, citizen.email);
    const second = await askCode(agent, first.form, citizen.email);
    expectRefused(await typeCode(agent, second.form, first.code), 401);
    await world.server.pool.query(`update franceconnect_link_codes set expires_at = now() - interval '1 second'`);
    expectRefused(await typeCode(agent, second.form, second.code), 401);
    expect(await linkedAccountOf(sub)).toBeUndefined();
  });

  it('refuses guessing past the limit: after five wrong codes even the right one is refused', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { agent, sub, link } = await linkPageFor(citizen.email);
    const { form, code } = await askCode(agent, link, citizen.email);
    for (let guess = 0; guess < 5; guess++) {
      expectRefused(await typeCode(agent, form, String((Number(code) + 1 + guess) % 1e8).padStart(8, '0')), 401);
    }
    const throttled = expectRefused(await typeCode(agent, form, code), 429);
    expect(throttled.html).toContain('Trop de tentatives');
    expect(await linkedAccountOf(sub)).toBeUndefined();
  });

  it('mails no more codes to an account than its hourly quota of mails, whatever the interaction', async () => {
    const citizen = await anAccount(world.server.accounts);
    const first = await linkPageFor(citizen.email);
    let page = (await askCode(first.agent, first.link, citizen.email)).form;
    page = (await askCode(first.agent, page, citizen.email)).form;
    // Another interaction, another browser: the quota is the account's.
    const second = await linkPageFor(citizen.email);
    await askCode(second.agent, second.link, citizen.email);
    const before = (await mailsTo(world.server, citizen.email)).length;
    const refused = await first.agent.submitOnce(page, {}, formIndexOf(page, '/link/code'));
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, expect.stringMatching(/^\d+$/)]);
    expect(await refused.text()).toContain('Trop de demandes en une heure');
    expect(await mailsTo(world.server, citizen.email)).toHaveLength(before);
  });

  it('writes no code to the logs', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { agent, link } = await linkPageFor(citizen.email);
    const { form, code } = await askCode(agent, link, citizen.email);
    await typeCode(agent, form, '00000000');
    await typeCode(agent, form, code);
    expect(logLines.some((line) => line.includes('franceconnect.link_code_sent'))).toBe(true);
    expect(logLines.some((line) => line.includes('"proof":"mailed_code"'))).toBe(true);
    expect(logLines.filter((line) => line.includes(code))).toEqual([]);
  });
});
