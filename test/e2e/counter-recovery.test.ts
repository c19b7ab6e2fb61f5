// Recovery at the counter: an agent of Bron, having checked a citizen's identity, issues a one-time code
// through the operators' API (or glc); with it, on /account/recover, the citizen sets a new password: every
// second factor goes, every session and token of the account ends, a mail and the history name Bron, the
// audit names the agent and Bron. Refused: operators without the role, a code expired, used or wrong (the
// same page as an unknown address), guesses beyond the throttle; a counter agent manages nothing.
import { Secret, TOTP } from 'otpauth';
import { comparable, formIndex, isLoginPage, mailsArrived, pageAt, signedIn } from '../support/account-space.js';
import { anAccount, type TestAccount } from '../support/builders.js';
import { expectRefusal, glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { oidc, signInAt } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const NEW_PASSWORD = 'une nouvelle phrase de passe choisie au guichet';
const CODE_FORMAT = /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/;

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'bron', name: 'Bron' },
      { slug: 'lyon', name: 'Ville de Lyon' },
    ],
    clients: { site: { commune: 'lyon' } },
    operators: {
      agent: { commune: 'bron', role: 'counter-agent', communes: ['bron'] },
      referent: { commune: 'bron', role: 'commune-referent', communes: ['bron'] },
      admin: { role: 'metropole-admin' },
    },
    // Addresses come from X-Forwarded-For; the first wait after the free guesses is long, so that "at once"
    // does not depend on how fast this machine answers twenty requests.
    env: { TRUST_PROXY: '1' },
    tune: ({ rateLimits }) => ({
      rateLimits: {
        ...rateLimits,
        counterCodeChecks: {
          ...rateLimits.counterCodeChecks,
          perAccountAndAddress: { ...rateLimits.counterCodeChecks.perAccountAndAddress, firstDelaySeconds: 600 },
        },
      },
    }),
  }),
);

let nextAddress = 1;
/** A documentation address (RFC 5737) no other test of the file uses. */
function browserAt(address = `198.51.100.${nextAddress++}`): UserAgent {
  const agent = new UserAgent(world.server.issuer);
  agent.headers['x-forwarded-for'] = address;
  return agent;
}

async function issue(email: string, commune = 'bron'): Promise<{ code: string; expires_at: string }> {
  const answer = await world.api.call(world.agent.bearer, 'POST', '/counter-codes', { email, commune });
  expect([answer.status, answer.body]).toEqual([201, expect.objectContaining({ code: expect.stringMatching(CODE_FORMAT) })]);
  return answer.body as { code: string; expires_at: string };
}

async function recoveryForm(agent: UserAgent, query = ''): Promise<Page> {
  const page = await pageAt(agent, `/account/recover${query}`);
  expect(page.status).toBe(200);
  return page;
}

async function recover(fields: { email: string; code: string; new_password?: string }, agent = browserAt()): Promise<Page> {
  const form = await recoveryForm(agent);
  const result = await agent.submit(form, { new_password: NEW_PASSWORD, ...fields }, formIndex(form, '/account/recover'));
  if (!isPage(result)) throw new Error(`the recovery form left for ${result.leftTo}`);
  return result;
}

/** The account with an authenticator app confirmed (and so its ten recovery codes). */
async function withAuthenticatorApp(citizen: TestAccount): Promise<void> {
  const started = await world.server.factors.startTotp(citizen.id, citizen.email);
  if (!started) throw new Error('the enrolment did not start');
  const codes = await world.server.factors.confirmTotp(citizen.id, TOTP.generate({ secret: Secret.fromBase32(started.secret) }));
  expect(codes).toHaveLength(10);
}

const logsIn = async (email: string, password: string) => (await world.server.accounts.authenticate(email, password)) !== undefined;

describe('recovery at the counter', () => {
  it('gets a citizen registered anywhere back in with a code from a Bron agent: new password, factors gone, sessions and tokens revoked, mail, history and audit naming Bron', async () => {
    const citizen = await anAccount(world.server.accounts);
    const siteBrowser = new UserAgent(world.server.issuer);
    const before = await signInAt(world.site, siteBrowser, citizen);
    expect(before.tokens.refresh_token).toBeDefined();
    const accountBrowser = await signedIn(world.server.issuer, citizen);
    await withAuthenticatorApp(citizen);
    expect(await world.server.factors.hasTotp(citizen.id)).toBe(true);

    const { code, expires_at: expiresAt } = await issue(citizen.email);
    const ttlMs = world.server.config.counterRecovery.codeTtlSeconds * 1000;
    expect(Math.abs(new Date(expiresAt).getTime() - (Date.now() + ttlMs))).toBeLessThan(60_000);

    const done = await recover({ email: citizen.email, code: code.toLowerCase().replaceAll('-', ' ') });
    expect(done.status).toBe(200);
    expect(done.html).toContain('Compte récupéré');

    // The new password signs in through the provider at a real relying party; the old one no longer does.
    const after = await signInAt(world.site, new UserAgent(world.server.issuer), { email: citizen.email, password: NEW_PASSWORD });
    expect(after.tokens.claims()?.sub).toBe(before.tokens.claims()?.sub);
    expect(await logsIn(citizen.email, citizen.password)).toBe(false);
    // Everything obtained before is gone.
    await expect(oidc.refreshTokenGrant(before.config, before.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(before.config, before.tokens.access_token)).active).toBe(false);
    expect(isLoginPage(await accountBrowser.navigate('/account'))).toBe(true);
    // Every second factor is removed.
    expect(await world.server.factors.summary(citizen.id)).toEqual({ totp: { state: 'none' }, recoveryCodes: { total: 0, remaining: 0 } });

    const mail = (await mailsArrived(world.server, citizen.email)).find((m) => m.subject.includes('récupéré en mairie'));
    expect(mail?.raw).toContain('Bron');
    expect(mail?.raw).not.toContain(code);
    const history = await world.server.accounts.securityHistory(citizen.id);
    expect(history.filter((e) => e.kind === 'recovered_at_counter').map((e) => e.detail)).toEqual(['Bron']);

    const audit = await world.api.call(world.admin.bearer, 'GET', '/audit');
    const issued = (
      audit.body as { items: { action: string; actor: string; commune: string | null; target: string | null }[] }
    ).items.filter((e) => e.action === 'account.counter_code_issued' && e.target === `account:${citizen.id}`);
    expect(issued).toEqual([expect.objectContaining({ actor: `client:${world.agent.clientId}`, commune: 'bron' })]);
    expect(JSON.stringify(audit.body)).not.toContain(code);
  });

  it('voids the earlier unused code when a new one is issued', async () => {
    const citizen = await anAccount(world.server.accounts);
    const first = await issue(citizen.email);
    const second = await issue(citizen.email);
    expect((await recover({ email: citizen.email, code: first.code })).status).toBe(400);
    expect((await recover({ email: citizen.email, code: second.code })).status).toBe(200);
  });

  it.each([
    ['a commune-referent of Bron', 'referent', 'bron'],
    ['a metropole-admin', 'admin', 'bron'],
    ['a counter agent of Bron, for Lyon', 'agent', 'lyon'],
  ] as const)('refuses %s a counter code with 403, whether or not the address has an account', async (_who, operator, commune) => {
    const citizen = await anAccount(world.server.accounts);
    for (const email of [citizen.email, 'personne@example.org']) {
      const answer = await world.api.call(world[operator].bearer, 'POST', '/counter-codes', { email, commune });
      expect([answer.status, (answer.body as { error: string }).error]).toEqual([403, 'counter_agent_only']);
    }
  });

  it("gives a counter agent of Bron no power over Bron's clients, its communes or the operators", async () => {
    const { bearer } = world.agent;
    const refused = [
      await world.api.call(bearer, 'GET', '/communes/bron/clients'),
      await world.api.call(bearer, 'POST', '/communes/bron/clients', {
        client_name: 'faux.bron.fr',
        redirect_uris: ['https://faux.bron.fr/cb'],
      }),
      await world.api.call(bearer, 'GET', `/communes/bron/clients/${world.referent.clientId}`),
      await world.api.call(bearer, 'PATCH', '/communes/bron', { name: 'Bron la pirate' }),
      await world.api.call(bearer, 'POST', '/operators/grant', {
        client_id: world.agent.clientId,
        role: 'commune-referent',
        communes: ['bron'],
      }),
      await world.api.call(bearer, 'POST', '/operators/grant', {
        client_id: world.agent.clientId,
        role: 'counter-agent',
        communes: ['lyon'],
      }),
    ];
    expect(refused.map((answer) => answer.status)).toEqual(refused.map(() => 403));
    expect((await world.api.call(bearer, 'GET', '/communes')).body).toMatchObject({ total: 0, items: [] });
    expect((await world.server.registry.getCommune('bron')).name).toBe('Bron');
    expect((await world.server.operators.list()).find((o) => o.clientId === world.agent.clientId)?.roles).toEqual([
      { role: 'counter-agent', communes: ['bron'] },
    ]);
  });

  it('answers an unknown address, a wrong code, an expired code and a used code with the same page', async () => {
    const citizen = await anAccount(world.server.accounts);
    const stranger = `personne-${Date.now()}@example.org`;
    const unknown = await recover({ email: stranger, code: 'ABCD-EFGH-JKMN' });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('Cette adresse et ce code ne correspondent pas');
    const same = (page: Page, email: string) => expect(comparable(page, [email])).toEqual(comparable(unknown, [stranger]));

    const { code } = await issue(citizen.email);
    same(await recover({ email: citizen.email, code: 'ABCD-EFGH-JKMN' }), citizen.email);

    await world.server.pool.query(`update counter_codes set expires_at = now() - interval '1 minute' where account_id = $1`, [citizen.id]);
    same(await recover({ email: citizen.email, code }), citizen.email);
    expect(await logsIn(citizen.email, citizen.password)).toBe(true);

    const fresh = await issue(citizen.email);
    expect((await recover({ email: citizen.email, code: fresh.code })).status).toBe(200);
    same(await recover({ email: citizen.email, code: fresh.code, new_password: 'encore une autre phrase de passe' }), citizen.email);
    expect(await logsIn(citizen.email, NEW_PASSWORD)).toBe(true);
  });

  it('counts twenty guesses at once on one address, and the right code still works from another address', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { code } = await issue(citizen.email);
    const attacker = browserAt();
    const form = await recoveryForm(attacker);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, guess) =>
        attacker.submitOnce(form, {
          email: citizen.email,
          code: `WRNG-CODE-${String(guess).padStart(4, '2')}`,
          new_password: NEW_PASSWORD,
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    const { free } = world.server.config.rateLimits.counterCodeChecks.perAccountAndAddress;
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(free);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(20 - free);
    expect(statuses.every((status) => status === 400 || status === 429)).toBe(true);
    for (const answer of answers.filter((a) => a.status === 429))
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Even the right code waits at the attacker's address…
    expect((await recover({ email: citizen.email, code }, attacker)).status).toBe(429);
    // …but not at the citizen's own.
    expect((await recover({ email: citizen.email, code })).status).toBe(200);
    expect(await logsIn(citizen.email, NEW_PASSWORD)).toBe(true);
  });

  it('offers the form with labelled, autofilled fields, linked from the forgotten-password page, in French and in English', async () => {
    const agent = browserAt();
    const forgot = await pageAt(agent, '/account/password/forgot');
    expect(forgot.html).toMatch(/<a href="\/account\/recover\?ui_locales=fr">J’ai un code remis en mairie<\/a>/);
    const form = await recoveryForm(agent);
    for (const [name, type, autocomplete] of [
      ['email', 'email', 'email'],
      ['code', 'text', 'one-time-code'],
      ['new_password', 'password', 'new-password'],
    ]) {
      expect(form.html).toMatch(new RegExp(`<label for="field-${name}">[^<]+</label>`));
      expect(form.html).toMatch(new RegExp(`<input id="field-${name}" name="${name}" type="${type}" autocomplete="${autocomplete}"`));
    }
    expect(form.html).toContain('name="_csrf"');
    const english = await recoveryForm(agent, '?ui_locales=en');
    expect(english.html).toContain('<html lang="en"');
    expect(english.html).toContain('I have a code from the town hall');
  });

  it('refuses a form without its CSRF token', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { code } = await issue(citizen.email);
    const agent = browserAt();
    const form = await recoveryForm(agent);
    const forged = await agent.submitOnce(form, { _csrf: 'forged', email: citizen.email, code, new_password: NEW_PASSWORD });
    expect(forged.status).toBe(403);
    expect(await logsIn(citizen.email, citizen.password)).toBe(true);
  });

  it('answers garbage with a 400 page, never a 500, and keeps the code usable', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { code } = await issue(citizen.email);
    const agent = browserAt();
    const form = await recoveryForm(agent);
    const { maxBytes } = world.server.config.passwordPolicy;
    const cases: Record<string, string>[] = [
      {},
      { email: '', code: '', new_password: '' },
      { email: 'pas une adresse', code: code, new_password: NEW_PASSWORD },
      { email: citizen.email, code: 'x'.repeat(5000), new_password: NEW_PASSWORD },
      { email: citizen.email, code: '☃☃☃☃-😀😀😀😀-%00%00', new_password: NEW_PASSWORD },
      { email: `${citizen.email}\u0007`, code, new_password: NEW_PASSWORD },
      { email: citizen.email, code, new_password: 'court' },
      { email: citizen.email, code, new_password: 'x'.repeat(maxBytes + 1) },
      { email: citizen.email, code, new_password: citizen.email },
    ];
    for (const fields of cases) {
      const answer = await agent.submitOnce(form, { ...fields });
      expect([answer.status, (await answer.text()).includes('<html lang="fr"')]).toEqual([400, true]);
    }
    const english = await agent.submitOnce(await recoveryForm(agent, '?ui_locales=en'), {
      email: citizen.email,
      code,
      new_password: 'short',
    });
    expect(english.status).toBe(400);
    expect(await english.text()).toContain('<html lang="en"');
    expect((await recover({ email: citizen.email, code })).status).toBe(200);
  });
});

describe('glc account recovery-code', () => {
  it('issues a code as one JSON object, which recovers the account, audited as the command line for Bron', async () => {
    const citizen = await anAccount(world.server.accounts);
    const output = jsonOutput(
      await runGlc(['account', 'recovery-code', '--email', citizen.email, '--commune', 'bron', '--json'], glcEnvOf(world.server)),
    );
    expect(output).toEqual({ code: expect.stringMatching(CODE_FORMAT), expires_at: expect.any(String) });
    expect((await recover({ email: citizen.email, code: output.code as string })).status).toBe(200);
    expect((await world.server.accounts.securityHistory(citizen.id)).find((e) => e.kind === 'recovered_at_counter')?.detail).toBe('Bron');
    const audit = (await world.api.call(world.admin.bearer, 'GET', '/audit')).body as {
      items: { action: string; actor: string; target: string | null }[];
    };
    expect(audit.items.find((e) => e.action === 'account.counter_code_issued' && e.target === `account:${citizen.id}`)?.actor).toBe('cli');
  });

  it('answers --help, refuses a missing option with status 2 and an unknown address or commune with status 1', async () => {
    const env = glcEnvOf(world.server);
    const help = await runGlc(['account', 'recovery-code', '--help'], env);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('--commune')]);
    expectRefusal(await runGlc(['account', 'recovery-code', '--email', 'jeanne@example.org', '--json'], env), 2, /commune/);
    expectRefusal(
      await runGlc(['account', 'recovery-code', '--email', 'personne@example.org', '--commune', 'bron', '--json'], env),
      1,
      /account/,
    );
    const citizen = await anAccount(world.server.accounts);
    expectRefusal(
      await runGlc(['account', 'recovery-code', '--email', citizen.email, '--commune', 'atlantis', '--json'], env),
      1,
      /commune/,
    );
  });
});
