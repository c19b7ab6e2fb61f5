// Operator roles go only to verified accounts. Granting a role to an address nobody has verified (or that
// has no account yet) mails an invitation to that address; only the owner of the mailbox, signed in with a
// verified account of that address, accepts it, once. Written as the attacker who registered the address
// of a commune's referent before the Métropole granted it a role.
import { randomBytes } from 'node:crypto';
import { operatorTokensAt } from '../support/admin.js';
import { csrfOf, pageAt, signedIn, submitTo, textOf } from '../support/account-space.js';
import { anAccount, A_PASSWORD } from '../support/builders.js';
import { glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import type { ApiMethod } from '../support/openapi.js';
import { readOutbox, type ReceivedMail } from '../support/outbox.js';
import type { Credentials } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'lyon', name: 'Lyon' },
      { slug: 'oullins', name: 'Oullins-Pierre-Bénite' },
      { slug: 'bron', name: 'Bron' },
    ],
    clients: { operatorConsole: { isFirstParty: true, isOperatorTool: true } },
    operators: { admin: { role: 'metropole-admin' } },
  }),
);

const call = (bearer: string, method: ApiMethod, path: string, body?: object) => world.api.call(bearer, method, path, body);
const grant = (body: object) => call(world.admin.bearer, 'POST', '/operators/grant', body);

/** What the operators' API lets this person see: the status and the communes they manage. */
async function communesSeenBy(credentials: Credentials) {
  const { access_token: token } = await operatorTokensAt(world.server, world.operatorConsole, credentials);
  const response = await call(`Bearer ${token}`, 'GET', '/communes');
  return {
    status: response.status,
    communes: response.status === 200 ? (response.body.items as { slug: string }[]).map((c) => c.slug) : [],
  };
}

const isInvitation = (mail: ReceivedMail) => mail.link?.startsWith(`${world.server.issuer}/operators/invitations?token=`) === true;

/** The latest mail to `email` that `matches` (other mails, such as the verification of a new account, come too). */
async function aMailTo(email: string, matches: (mail: ReceivedMail) => boolean): Promise<ReceivedMail> {
  // Addresses are compared as the accounts compare them: whatever the case.
  const received = async () => {
    await world.server.mailer.deliverDue();
    return readOutbox(world.server.dataDir).filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()) && matches(mail));
  };
  for (let attempt = 0; attempt < 200; attempt++) {
    const found = await received();
    if (found.length) return found.at(-1)!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no such mail to ${email}`);
}

const invitationTo = (email: string) => aMailTo(email, isInvitation);

/** Takes an account back through the forgotten-password link mailed to its address (which verifies it). */
async function resetPasswordOf(email: string, password: string): Promise<void> {
  const agent = new UserAgent(world.server.issuer);
  await agent.submit(await pageAt(agent, '/account/password/forgot'), { email });
  const link = (await aMailTo(email, (mail) => mail.link?.includes('/account/password/reset?token=') === true)).link!;
  const done = await agent.submit(await pageAt(agent, link), { new_password: password });
  expect(isPage(done) && done.status).toBe(200);
}

/** Posts an acceptance of `token` the way a hand-made form would, with the browser's own CSRF token. */
async function postAcceptance(agent: UserAgent, token: string): Promise<Page> {
  const answer = await agent.navigate('/operators/invitations', {
    method: 'POST',
    form: { token, _csrf: csrfOf(await pageAt(agent, '/account')) },
  });
  if (!isPage(answer)) throw new Error(`expected a page, went to ${answer.leftTo}`);
  return answer;
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

describe('an operator role granted by email', () => {
  it('gives no role to an unverified account that registered the address first, and mails an invitation to the address', async () => {
    const squatter = { email: 'referent@oullins.fr', password: A_PASSWORD };
    await world.server.accounts.register({ ...squatter, givenName: 'Mallory' }); // nobody followed its verification link

    const granted = await grant({ email: 'Referent@Oullins.fr', role: 'commune-referent', communes: ['oullins'] });
    expect(await communesSeenBy(squatter)).toEqual({ status: 403, communes: [] });

    expect(granted.status).toBe(202);
    expect(granted.body).toMatchObject({
      roles: [],
      invitation: { email: 'referent@oullins.fr', role: 'commune-referent', communes: ['oullins'], expires_at: expect.any(String) },
    });
    const mail = await invitationTo('referent@oullins.fr');
    expect(mail.subject).toContain('Invitation');
    expect(mail.raw).toContain('Oullins-Pierre-Bénite');
    expect(JSON.stringify(granted.body)).not.toContain(tokenOf(mail.link!));
    const listed = await call(world.admin.bearer, 'GET', '/operators?limit=200');
    expect(listed.body.items.filter((o: { email: string | null }) => o.email?.toLowerCase() === 'referent@oullins.fr')).toEqual([]);
  });

  it('still grants at once to an existing verified account', async () => {
    const referent = await anAccount(world.server.accounts);
    const granted = await grant({ email: referent.email, role: 'commune-referent', communes: ['bron'] });
    expect(granted.status).toBe(200);
    expect(granted.body.invitation).toBeUndefined();
    expect(await communesSeenBy(referent)).toEqual({ status: 200, communes: ['bron'] });
  });
});

describe('an invitation link', () => {
  it('answers a guessed token with a "not found" page and accepts nothing, even from a signed-in attacker', async () => {
    const attacker = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, attacker);
    const guessed = randomBytes(32).toString('base64url');

    const opened = await pageAt(agent, `/operators/invitations?token=${guessed}`);
    expect(opened.status).toBe(404);
    expect(textOf(opened)).toContain('Invitation introuvable');
    const posted = await postAcceptance(agent, guessed);
    expect(posted.status).toBe(404);
    expect(textOf(posted)).toContain('Invitation introuvable');
    expect((await communesSeenBy(attacker)).status).toBe(403);
  });

  it('is refused to another signed-in account, and to the unverified account that registered the address first', async () => {
    const address = 'adjoint@bron.fr';
    const squatter = { email: address, password: A_PASSWORD };
    await world.server.accounts.register({ ...squatter });
    await grant({ email: address, role: 'commune-referent', communes: ['bron'] });
    const link = (await invitationTo(address)).link!; // the worst case: the attacker got hold of the link

    const other = await anAccount(world.server.accounts);
    const asOther = await signedIn(world.server.issuer, other);
    const wrongAccount = await pageAt(asOther, link);
    expect(wrongAccount.status).toBe(403);
    expect(textOf(wrongAccount)).toContain('adressée à une autre adresse');
    expect(formsOf(wrongAccount.html).some((form) => form.action === '/operators/invitations')).toBe(false);
    expect((await postAcceptance(asOther, tokenOf(link))).status).toBe(403);
    expect((await communesSeenBy(other)).status).toBe(403);

    const asSquatter = await signedIn(world.server.issuer, squatter);
    const unverified = await pageAt(asSquatter, link);
    expect(unverified.status).toBe(403);
    expect(textOf(unverified)).toContain('vérifiez d’abord');
    expect((await postAcceptance(asSquatter, tokenOf(link))).status).toBe(403);
    expect((await communesSeenBy(squatter)).status).toBe(403);

    // Neither attempt used the link up. The owner of the mailbox takes the account back with a password
    // reset (which verifies the address and ends the squatter's sessions), then accepts.
    const owner = { email: address, password: 'la phrase de passe de la vraie adjointe' };
    await resetPasswordOf(address, owner.password);
    const asOwner = await signedIn(world.server.issuer, owner);
    const confirm = await pageAt(asOwner, link);
    expect(confirm.status).toBe(200);
    const accepted = await submitTo(asOwner, confirm, '/operators/invitations', {});
    expect(isPage(accepted) && accepted.status).toBe(200);
    expect(await communesSeenBy(owner)).toEqual({ status: 200, communes: ['bron'] });
  });

  it('lets the owner of the address, signed in with a verified account of it, accept once; then the API opens to them', async () => {
    const address = `referente-${Date.now()}@oullins.fr`;
    const granted = await grant({ email: address, role: 'commune-referent', communes: ['oullins'] });
    expect(granted.status).toBe(202);
    const link = (await invitationTo(address)).link!;

    const owner = await anAccount(world.server.accounts, { email: address }); // registered after the invitation, verified
    const agent = await signedIn(world.server.issuer, owner);
    const confirm = await pageAt(agent, link);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm)).toContain('référent');
    expect(await communesSeenBy(owner)).toEqual({ status: 403, communes: [] }); // opening the link is not accepting

    const accepted = await submitTo(agent, confirm, '/operators/invitations', {});
    expect(isPage(accepted) && accepted.status).toBe(200);
    expect(isPage(accepted) && textOf(accepted)).toContain('Oullins-Pierre-Bénite');
    expect(await communesSeenBy(owner)).toEqual({ status: 200, communes: ['oullins'] });

    const reopened = await pageAt(agent, link);
    expect(reopened.status).toBe(410);
    expect(textOf(reopened)).toContain('ne sert qu’une fois');
    const replayed = await submitTo(agent, confirm, '/operators/invitations', {});
    expect(isPage(replayed) && replayed.status).toBe(410);

    const audit = (await call(world.admin.bearer, 'GET', '/audit?limit=200')).body.items as {
      action: string;
      actor: string;
      target: string;
      after: { invitation?: number };
    }[];
    const invite = audit.find((e) => e.action === 'operator.invite' && e.target === `invitation:${granted.body.invitation.id}`);
    expect(invite?.actor).toBe(`client:${world.admin.clientId}`);
    const grantEntry = audit.find((e) => e.action === 'operator.grant' && e.target === `account:${owner.id}`);
    expect(grantEntry).toMatchObject({
      actor: `client:${world.admin.clientId}`,
      after: { invitation: granted.body.invitation.id, accepted_by: `account:${owner.id}` },
    });
  });

  it('asks a visitor who is not signed in to sign in with the invited address, in English with ui_locales=en', async () => {
    const address = `syndicat-${Date.now()}@sitiv.fr`;
    await grant({ email: address, role: 'syndicate-operator', communes: ['bron', 'oullins'] });
    const link = (await invitationTo(address)).link!;
    const french = await pageAt(new UserAgent(world.server.issuer), link);
    expect(french.status).toBe(200);
    expect(french.html).toContain('<html lang="fr"');
    expect(textOf(french)).toContain('connectez-vous');
    expect(french.html).toContain('href="/account/login?ui_locales=fr"');

    const english = await pageAt(new UserAgent(world.server.issuer), `${link}&ui_locales=en`);
    expect(english.html).toContain('<html lang="en"');
    expect(textOf(english)).toContain('sign in');
  });

  it('shows an expired invitation as such and grants nothing', async () => {
    const address = `retard-${Date.now()}@bron.fr`;
    const granted = await grant({ email: address, role: 'commune-referent', communes: ['bron'] });
    const link = (await invitationTo(address)).link!;
    const owner = await anAccount(world.server.accounts, { email: address });
    const agent = await signedIn(world.server.issuer, owner);
    const confirm = await pageAt(agent, link);
    await world.server.pool.query(`update operator_invitations set expires_at = now() - interval '1 minute' where id = $1`, [
      granted.body.invitation.id,
    ]);

    const late = await submitTo(agent, confirm, '/operators/invitations', {});
    expect(isPage(late) && late.status).toBe(410);
    expect(isPage(late) && textOf(late)).toContain('a expiré');
    expect((await pageAt(agent, link)).status).toBe(410);
    expect((await communesSeenBy(owner)).status).toBe(403);
  });

  it('stops working once the role is revoked for that address', async () => {
    const address = `revoque-${Date.now()}@oullins.fr`;
    await grant({ email: address, role: 'commune-referent', communes: ['oullins'] });
    const link = (await invitationTo(address)).link!;
    const revoked = await call(world.admin.bearer, 'POST', '/operators/revoke', { email: address, role: 'commune-referent' });
    expect(revoked.status).toBe(200);

    const owner = await anAccount(world.server.accounts, { email: address });
    const agent = await signedIn(world.server.issuer, owner);
    expect((await pageAt(agent, link)).status).toBe(410);
    expect((await postAcceptance(agent, tokenOf(link))).status).toBe(410);
    expect((await communesSeenBy(owner)).status).toBe(403);
  });
});

describe('glc operator', () => {
  const glcEnv = () => glcEnvOf(world.server);

  it('grant --email mails an invitation to an unknown address, and list shows it apart from the operators', async () => {
    const address = `cli-${Date.now()}@bron.fr`;
    const answer = jsonOutput(
      await runGlc(['operator', 'grant', '--email', address, '--role', 'commune-referent', '--commune', 'bron', '--json'], glcEnv()),
    );
    expect(answer).toMatchObject({
      email: address,
      roles: [],
      invitation: { email: address, role: 'commune-referent', communes: ['bron'], expires_at: expect.any(String) },
    });

    // The command line sends the mail itself: it reaches the outbox even if no server runs.
    const mail = readOutbox(world.server.dataDir)
      .filter((m) => m.to.includes(address))
      .find(isInvitation);
    expect(mail).toBeDefined();

    const { operators, invitations } = jsonOutput(await runGlc(['operator', 'list', '--json'], glcEnv())) as {
      operators: { email?: string }[];
      invitations: { email: string; role: string; communes: string[]; expires_at: string; created_by: string }[];
    };
    expect(operators.some((o) => o.email === address)).toBe(false);
    expect(invitations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: address, role: 'commune-referent', communes: ['bron'], created_by: 'cli' }),
      ]),
    );

    jsonOutput(await runGlc(['operator', 'revoke', '--email', address, '--role', 'commune-referent', '--json'], glcEnv()));
    const after = jsonOutput(await runGlc(['operator', 'list', '--json'], glcEnv())) as { invitations: { email: string }[] };
    expect(after.invitations.some((i) => i.email === address)).toBe(false);
  });
});
