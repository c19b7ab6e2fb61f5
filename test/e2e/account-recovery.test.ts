// Forgotten password: the same answer whether or not the email has an account, a short-lived single-use
// link built from ISSUER, and after the reset every session and refresh token of the account revoked.
import { request as httpRequest } from 'node:http';
import { anAccount } from '../support/builders.js';
import { comparable, isLoginPage, mailsArrived, pageAt, signedIn } from '../support/account-space.js';
import { mailsTo } from '../support/outbox.js';
import { oidc, signInAt, startAuthorization } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const NEW_PASSWORD = 'un tout nouveau mot de passe';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'caluire', name: 'Caluire-et-Cuire' }], clients: { site: {} } }));

async function askForReset(email: string, agent = new UserAgent(world.server.issuer)): Promise<Page> {
  const forgot = await pageAt(agent, '/account/password/forgot');
  const answer = await agent.submit(forgot, { email });
  if (!isPage(answer)) throw new Error('expected the forgotten-password page');
  return answer;
}

async function resetLink(email: string): Promise<string> {
  const before = (await mailsTo(world.server, email)).length;
  await askForReset(email);
  return (await mailsArrived(world.server, email, before + 1)).at(-1)!.link!;
}

async function chooseNewPassword(link: string, password: string, agent = new UserAgent(world.server.issuer)) {
  const form = await pageAt(agent, link);
  return { form, result: await agent.submit(form, { new_password: password }) };
}

const logsIn = async (email: string, password: string) => (await world.server.accounts.authenticate(email, password)) !== undefined;

describe('forgotten password', () => {
  it('is offered on the login page', async () => {
    const login = await pageAt(new UserAgent(world.server.issuer), '/account');
    expect(isLoginPage(login)).toBe(true);
    const href = /href="([^"]*\/account\/password\/forgot[^"]*)"/.exec(login.html)?.[1];
    expect(href).toBeDefined();
    const forgot = await pageAt(new UserAgent(world.server.issuer), new URL(href!.replace(/&amp;/g, '&'), login.url).toString());
    expect(forgot.status).toBe(200);
    expect(formsOf(forgot.html)[0]!.fields).toHaveProperty('email');
  });

  it('answers an unknown email exactly as a known one, and mails only the known one', async () => {
    const citizen = await anAccount(world.server.accounts);
    const stranger = `personne-${Date.now()}@example.org`;
    const agent = new UserAgent(world.server.issuer);
    const known = await askForReset(citizen.email, agent);
    const unknown = await askForReset(stranger, agent);

    expect(comparable(unknown, [stranger])).toEqual(comparable(known, [citizen.email]));
    const [mail] = await mailsArrived(world.server, citizen.email);
    expect(mail!.subject).toContain('Choisir un nouveau mot de passe');
    expect(await mailsTo(world.server, stranger)).toHaveLength(0);
  });

  it('answers a fourth request within the hour the same way, without a fourth mail', async () => {
    const citizen = await anAccount(world.server.accounts);
    const limit = world.server.config.selfService.passwordResetMailsPerHour;
    const agent = new UserAgent(world.server.issuer);
    const answers: Page[] = [];
    for (let i = 0; i < limit; i++) answers.push(await askForReset(citizen.email, agent));
    await mailsArrived(world.server, citizen.email, limit);

    const refused = await askForReset(citizen.email, agent);
    expect(refused.status).toBe(answers[0]!.status);
    expect(refused.html).toBe(answers[0]!.html);
    // A later request for someone else is mailed after the refused one would have been.
    const witness = await anAccount(world.server.accounts);
    await askForReset(witness.email, agent);
    await mailsArrived(world.server, witness.email);
    expect(await mailsTo(world.server, citizen.email)).toHaveLength(limit);
  });

  it('takes a new password through the link once; a second use is refused as expired', async () => {
    const citizen = await anAccount(world.server.accounts);
    const link = await resetLink(citizen.email);
    const agent = new UserAgent(world.server.issuer);
    const { form, result } = await chooseNewPassword(link, NEW_PASSWORD, agent);
    expect(isPage(result) && result.status).toBe(200);
    expect(isPage(result) && result.html).toContain('Votre mot de passe a été changé');
    expect(await logsIn(citizen.email, NEW_PASSWORD)).toBe(true);
    expect(await logsIn(citizen.email, citizen.password)).toBe(false);

    const reopened = await pageAt(new UserAgent(world.server.issuer), link);
    expect(reopened.status).toBe(400);
    expect(reopened.html).toContain('expiré');
    const replayed = await agent.submit(form, { new_password: 'encore un autre mot de passe' });
    expect(isPage(replayed) && replayed.status).toBe(400);
    expect(isPage(replayed) && replayed.html).toContain('expiré');
    expect(await logsIn(citizen.email, NEW_PASSWORD)).toBe(true);
  });

  it('keeps the link for thirty minutes at most', async () => {
    const citizen = await anAccount(world.server.accounts);
    const link = await resetLink(citizen.email);
    const elapse = (minutes: number) =>
      world.server.pool.query(`update account_tokens set expires_at = expires_at - make_interval(mins => $2) where account_id = $1`, [
        citizen.id,
        minutes,
      ]);

    await elapse(29);
    const agent = new UserAgent(world.server.issuer);
    const form = await pageAt(agent, link);
    expect(form.status).toBe(200);
    await elapse(1);
    const late = await agent.submit(form, { new_password: NEW_PASSWORD });
    expect(isPage(late) && late.status).toBe(400);
    expect(isPage(late) && late.html).toContain('expiré');
    expect((await pageAt(agent, link)).status).toBe(400);
    expect(await logsIn(citizen.email, citizen.password)).toBe(true);
  });

  it('refuses a weak new password and lets the citizen try again with the same link', async () => {
    const citizen = await anAccount(world.server.accounts);
    const link = await resetLink(citizen.email);
    const agent = new UserAgent(world.server.issuer);
    const weak = await chooseNewPassword(link, 'motdepasse123', agent);
    expect(isPage(weak.result) && weak.result.status).toBe(400);
    expect(isPage(weak.result) && weak.result.html).toContain('trop courant');

    const retried = await chooseNewPassword(link, NEW_PASSWORD, agent);
    expect(isPage(retried.result) && retried.result.status).toBe(200);
    expect(await logsIn(citizen.email, NEW_PASSWORD)).toBe(true);
  });

  it('ends every session and revokes every token of the account after the reset', async () => {
    const citizen = await anAccount(world.server.accounts);
    const siteBrowser = new UserAgent(world.server.issuer);
    const { config, tokens } = await signInAt(world.site, siteBrowser, citizen);
    expect(tokens.refresh_token).toBeDefined();
    const accountBrowser = await signedIn(world.server.issuer, citizen);

    const link = await resetLink(citizen.email);
    await chooseNewPassword(link, NEW_PASSWORD);

    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    expect(isLoginPage(await accountBrowser.navigate('/account'))).toBe(true);
    expect(isLoginPage(await siteBrowser.navigate((await startAuthorization(config, world.site)).url))).toBe(true);
  });

  it('builds the link from ISSUER whatever Host header the request carried', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const forgot = await pageAt(agent, '/account/password/forgot');
    const { fields } = formsOf(forgot.html)[0]!;
    const body = new URLSearchParams({ ...fields, email: citizen.email }).toString();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: world.server.config.port,
          method: 'POST',
          path: '/account/password/forgot',
          headers: {
            host: 'mairie-pirate.example',
            'x-forwarded-host': 'mairie-pirate.example',
            'x-forwarded-proto': 'https',
            cookie: [...agent.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'text/html',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);

    const [mail] = await mailsArrived(world.server, citizen.email);
    expect(new URL(mail!.link!).origin).toBe(new URL(world.server.issuer).origin);
    expect(mail!.raw).not.toContain('mairie-pirate');
  });
});
