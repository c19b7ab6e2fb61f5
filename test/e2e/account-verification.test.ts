// Email verification: a new account is sent a single-use, expiring link (only its hash is kept);
// email_verified stays false until the citizen clicks its button; "send again" is rate-limited.
import { A_PASSWORD } from '../support/builders.js';
import { formIndex, isLoginPage, mailsArrived, pageAt, signedIn, submitTo } from '../support/account-space.js';
import { mailsTo } from '../support/outbox.js';
import { discover, exchange, oidc, registrationPageFrom, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'vaulx', name: 'Vaulx-en-Velin' }], clients: { site: {} } }));

let counter = 0;

const newEmail = () => `nouveau-${Date.now()}-${counter++}@example.org`;
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

/**
 * Registers through the commune site's login page, up to the "check your mailbox" page; answers the
 * browser, the email, and how to finish the flow once the mailed link was followed.
 */
async function registerAtSite() {
  const agent = new UserAgent(world.server.issuer);
  const config = await discover(world.server.issuer, world.site);
  const attempt = await startAuthorization(config, world.site);
  const login = await pageAt(agent, attempt.url);
  expect(isLoginPage(login)).toBe(true);
  const register = await registrationPageFrom(agent, login);
  const email = newEmail();
  const checkMailbox = await agent.submit(register, { given_name: 'Nora', family_name: 'Saïdi', email, password: A_PASSWORD });
  expect(isPage(checkMailbox) && checkMailbox.html).toContain('Vérifiez votre boîte aux lettres');
  const isVerified = async () => (await world.server.accounts.findByEmail(email))!.emailVerified;
  /** After the button of the link: consents if asked, and answers the email_verified the site reads. */
  const siteReads = async (afterButton: Page | { leftTo: string }) => {
    let result = afterButton;
    if (isPage(result) && result.html.includes('value="allow"')) result = await agent.submit(result, { decision: 'allow' });
    if (isPage(result)) throw new Error(`expected the site, got ${result.status} ${result.url}`);
    const tokens = await exchange(config, attempt, result.leftTo);
    return (await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email_verified;
  };
  return { agent, email, isVerified, siteReads };
}

async function registered() {
  const email = newEmail();
  const account = await world.server.accounts.register({ email, password: A_PASSWORD, givenName: 'Paul' });
  const [mail] = await mailsArrived(world.server, email);
  return { account, email, link: mail!.link! };
}

async function clickButton(link: string): Promise<Page | { leftTo: string }> {
  const agent = new UserAgent(world.server.issuer);
  const confirm = await pageAt(agent, link);
  return agent.submit(confirm, {});
}

describe('email verification', () => {
  it('mails a new account a link, and email_verified turns true only once the citizen clicks its button', async () => {
    const citizen = await registerAtSite();
    const [mail] = await mailsArrived(world.server, citizen.email);
    expect(mail!.subject).toContain('Vérifiez votre adresse');
    expect(mail!.link).toMatch(new RegExp(`^${world.server.issuer}/interaction/[\\w-]+/verify\\?token=`));
    expect(await citizen.isVerified()).toBe(false);

    // Opening the link (a mail scanner does it too) only shows the button.
    const confirm = await pageAt(citizen.agent, mail!.link!);
    expect(confirm.status).toBe(200);
    expect(await citizen.isVerified()).toBe(false);

    // The button verifies the address and, in this browser, lets the site's authorization flow go on.
    const done = await citizen.agent.submit(confirm, {});
    expect(await citizen.isVerified()).toBe(true);
    expect(await citizen.siteReads(done)).toBe(true);
  });

  it('keeps only a hash of the link, never the token itself', async () => {
    const { account, link } = await registered();
    const { rows } = await world.server.pool.query<{ token_hash: string }>('select * from account_tokens where account_id = $1', [
      account.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toEqual(expect.any(String));
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link)); // in no column of the row
  });

  it('refuses a link used a second time with an "expired" page', async () => {
    const { link } = await registered();
    const agent = new UserAgent(world.server.issuer);
    const confirm = await pageAt(agent, link);
    expect(isPage(await agent.submit(confirm, {}))).toBe(true);

    const reopened = await pageAt(agent, link);
    expect(reopened.status).toBe(400);
    expect(reopened.html).toContain('expiré');
    const replayed = await agent.submit(confirm, {});
    expect(isPage(replayed) && replayed.status).toBe(400);
    expect(isPage(replayed) && replayed.html).toContain('expiré');
  });

  it('refuses an expired link and leaves the email unverified', async () => {
    const { account, link } = await registered();
    const agent = new UserAgent(world.server.issuer);
    const confirm = await pageAt(agent, link);
    await world.server.pool.query(`update account_tokens set expires_at = now() - interval '1 minute' where account_id = $1`, [account.id]);

    const late = await agent.submit(confirm, {});
    expect(isPage(late) && late.status).toBe(400);
    expect(isPage(late) && late.html).toContain('expiré');
    expect((await pageAt(agent, link)).status).toBe(400);
    expect((await world.server.accounts.findById(account.id))!.emailVerified).toBe(false);
  });

  it('refuses a made-up token', async () => {
    const page = await pageAt(new UserAgent(world.server.issuer), '/account/email/verify?token=invente');
    expect(page.status).toBe(400);
    expect(page.html).toContain('expiré');
  });

  it('"send again" mails a fresh link that verifies, and the earlier link stops working', async () => {
    const { account, email, link: first } = await registered();
    const agent = await signedIn(world.server.issuer, { email, password: A_PASSWORD });
    const home = await pageAt(agent, '/account');
    expect(home.html).toContain('pas encore vérifiée');

    const resent = await submitTo(agent, home, '/account/email/resend', {});
    expect(isPage(resent) && resent.html).toContain('Un nouveau message de vérification vous a été envoyé');
    const mails = await mailsArrived(world.server, email, 2);
    const second = mails.at(-1)!.link!;
    expect(second).not.toBe(first);

    expect((await pageAt(new UserAgent(world.server.issuer), first)).status).toBe(400);
    const done = await clickButton(second);
    expect(isPage(done) && done.status).toBe(200);
    expect((await world.server.accounts.findById(account.id))!.emailVerified).toBe(true);
    expect((await pageAt(agent, '/account')).html).not.toContain('pas encore vérifiée');
  });

  it('refuses a fourth "send again" within the hour', async () => {
    const { email } = await registered();
    const agent = await signedIn(world.server.issuer, { email, password: A_PASSWORD });
    const limit = world.server.config.selfService.verificationMailsPerHour;
    expect(limit).toBe(3);
    for (let i = 0; i < limit; i++) {
      const home = await pageAt(agent, '/account');
      const resent = await submitTo(agent, home, '/account/email/resend', {});
      expect(isPage(resent) && resent.status).toBe(200);
    }
    await mailsArrived(world.server, email, 1 + limit);

    const home = await pageAt(agent, '/account');
    const refused = await agent.submit(home, {}, formIndex(home, '/account/email/resend'));
    expect(isPage(refused) && refused.status).toBe(429);
    expect(isPage(refused) && refused.html).toContain('Trop de demandes en une heure');
    expect(await mailsTo(world.server, email)).toHaveLength(1 + limit);
  });
});
