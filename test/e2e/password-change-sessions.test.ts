// Changing the password from the account space, as the citizen whose old password leaked meets it: whoever
// used the old one — another browser, a site's refresh token, a reset link — is shut out; the browser that
// made the change stays signed in, with its sites.
import { anAccount } from '../support/builders.js';
import { isLoginPage, mailsArrived, pageAt, signedIn, submitTo } from '../support/account-space.js';
import { mailsTo } from '../support/outbox.js';
import { oidc, signInAt, type Credentials } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const NEW_PASSWORD = 'un tout nouveau mot de passe';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'bron', name: 'Bron' }], clients: { site: {} } }));

/** Signs `agent` in to the site (password asked only if the browser has no session) and answers its tokens. */
const siteTokens = (agent: UserAgent, credentials: Credentials) => signInAt(world.site, agent, credentials);

async function resetLinkFor(email: string): Promise<string> {
  const before = (await mailsTo(world.server, email)).length;
  const agent = new UserAgent(world.server.issuer);
  const forgot = await pageAt(agent, '/account/password/forgot');
  await agent.submit(forgot, { email });
  return (await mailsArrived(world.server, email, before + 1)).at(-1)!.link!;
}

describe('changing the password while someone else holds the old one', () => {
  it('ends the attacker’s sessions, refresh tokens and reset link, and keeps the citizen’s browser and sites', async () => {
    const citizen = await anAccount(world.server.accounts);
    // The attacker, who has the old password: a browser on /account, a site's tokens, a pending reset link.
    const attackerAccountSpace = await signedIn(world.server.issuer, citizen);
    const attackerSite = await siteTokens(new UserAgent(world.server.issuer), citizen);
    expect(attackerSite.tokens.refresh_token).toBeDefined();
    const attackerResetLink = await resetLinkFor(citizen.email);

    // The citizen, in their own browser: /account, then the same site without typing the password again.
    const browser = await signedIn(world.server.issuer, citizen);
    const citizenSite = await siteTokens(browser, citizen);

    const form = await pageAt(browser, '/account/password');
    const done = await submitTo(browser, form, '/account/password', { current_password: citizen.password, new_password: NEW_PASSWORD });
    expect(isPage(done) && done.status).toBe(200);
    expect(isPage(done) && done.html).toContain('Vos autres sessions ont été fermées');

    await expect(oidc.refreshTokenGrant(attackerSite.config, attackerSite.tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await oidc.tokenIntrospection(attackerSite.config, attackerSite.tokens.access_token)).active).toBe(false);
    expect(isLoginPage(await attackerAccountSpace.navigate('/account'))).toBe(true);
    const reset = await pageAt(new UserAgent(world.server.issuer), attackerResetLink);
    expect(reset.status).toBe(400);

    expect(isLoginPage(await browser.navigate('/account'))).toBe(false);
    const refreshed = await oidc.refreshTokenGrant(citizenSite.config, citizenSite.tokens.refresh_token!);
    expect(refreshed.access_token).toBeDefined();
    const sessions = await world.server.oidc.citizen.listSessions(citizen.id);
    expect(sessions).toHaveLength(1);

    const mail = (await mailsTo(world.server, citizen.email)).find((m) => m.subject.includes('Votre mot de passe a changé'));
    expect(mail?.raw).toContain('Toutes vos autres sessions ont été fermées');
  });
});
