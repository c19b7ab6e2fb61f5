// FranceConnect in the citizen's /account: the certified identity shown read-only above the profile (the names it
// certifies cannot be changed while linked), the link's dates, unlinking allowed only to an account that keeps a
// password of ours or a passkey (the others are told to set a password, and the reset by email lets them), the
// link and unlink in the security history, the link in the export and gone with the account.
import { findFederatedIdentity, insertFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { insertPasskey } from '../../src/accounts/factors/passkey-repository.js';
import { anAccount, type TestAccount } from '../support/builders.js';
import { csrfOf, mailsArrived, pageAt, signedIn, submitTo, textOf } from '../support/account-space.js';
import { mailsTo } from '../support/outbox.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'bron', name: 'Bron' }] }));

const PIVOT = {
  given_name: 'Angela Claire Louise',
  family_name: 'DUBOIS',
  birthdate: '1962-08-24',
  gender: 'female',
  birthplace: '75107',
  birthcountry: '99100',
};

const UNLINK = '/account/franceconnect/unlink';
let subjects = 0;

/** A citizen whose account FranceConnect is linked to, as the federation links it (its event recorded). */
async function aLinkedCitizen(): Promise<TestAccount> {
  const citizen = await anAccount(world.server.accounts, { givenName: 'Angie', familyName: 'Dubois' });
  subjects += 1;
  const link = await insertFederatedIdentity(world.server.pool, {
    provider: 'franceconnect',
    subject: `fc-sub-${subjects}-${citizen.id}`,
    accountId: citizen.id,
    identity: { ...PIVOT, email: citizen.email, email_verified: true },
    acr: 'eidas1',
  });
  expect(link).toBeDefined();
  await world.server.accounts.selfService.recordEvent(citizen.id, 'franceconnect_linked');
  return citizen;
}

/**
 * The account as FranceConnect made it: no password of ours. (Signed in first with a password, which is then
 * dropped: the session stays, as one opened through FranceConnect would.)
 */
async function withoutPassword(citizen: TestAccount): Promise<void> {
  await world.server.pool.query('update accounts set password_hash = null where id = $1', [citizen.id]);
}

const isLinked = async (citizen: TestAccount) => (await world.server.accounts.franceConnect.linkOf(citizen.id)) !== undefined;

async function unlinkFrom(agent: UserAgent): Promise<Page> {
  const home = await pageAt(agent, '/account');
  const result = await submitTo(agent, home, UNLINK, {});
  if (!isPage(result)) throw new Error('expected a page');
  return result;
}

/** The same post as the button's, made by hand from the page's token (for a page that shows no button). */
async function forgedUnlink(agent: UserAgent): Promise<Page> {
  const home = await pageAt(agent, '/account');
  const result = await agent.navigate(UNLINK, { method: 'POST', form: { _csrf: csrfOf(home) } });
  if (!isPage(result)) throw new Error('expected a page');
  return result;
}

describe('the certified identity in /account', () => {
  it('shows the pivot identity read-only with the link’s dates, the names it certifies locked in the profile form', async () => {
    const citizen = await aLinkedCitizen();
    const home = await pageAt(await signedIn(world.server.issuer, citizen), '/account');
    const text = textOf(home);
    expect(home.html).toContain('<h2 id="franceconnect-title">Identité certifiée par FranceConnect</h2>');
    expect(text).toContain('Prénoms Angela Claire Louise');
    expect(text).toContain('Nom de naissance DUBOIS');
    expect(text).toContain('Date de naissance 24 août 1962');
    expect(text).toContain('Sexe Féminin');
    expect(text).toContain('Lieu de naissance (code INSEE) 75107');
    expect(text).toContain('Pays de naissance (code INSEE) 99100');
    expect(text).toMatch(/Lié à votre compte le \d{1,2} \S+ \d{4}/);
    expect(text).toMatch(/Dernière connexion avec FranceConnect : \d{1,2} \S+ \d{4}/);
    // The profile's names are FranceConnect's while linked, read-only.
    expect(home.html).toMatch(
      /<input id="field-given_name" name="given_name" type="text" autocomplete="given-name" value="Angela Claire Louise" readonly/,
    );
    expect(home.html).toMatch(
      /<input id="field-family_name" name="family_name" type="text" autocomplete="family-name" value="DUBOIS" readonly/,
    );
  });

  it('shows no section to an account without a link, whose names stay editable', async () => {
    const citizen = await anAccount(world.server.accounts, { givenName: 'Paul' });
    const home = await pageAt(await signedIn(world.server.issuer, citizen), '/account');
    expect(home.html).not.toContain('franceconnect-title');
    expect(formsOf(home.html).some((form) => form.action === UNLINK)).toBe(false);
    expect(home.html).toMatch(/<input id="field-given_name" name="given_name" type="text" autocomplete="given-name" value="Paul">/);
  });

  it('refuses a change of a certified name on its field, the other fields kept; the same names save, as FranceConnect’s', async () => {
    const citizen = await aLinkedCitizen();
    const agent = await signedIn(world.server.issuer, citizen);
    const home = await pageAt(agent, '/account');
    const refused = await submitTo(agent, home, '/account/profile', { family_name: 'MARTIN', phone_number: '06 11 22 33 44' });
    if (!isPage(refused)) throw new Error('expected the page again');
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/aria-describedby="field-family_name-hint field-family_name-error" aria-invalid="true"/);
    expect(refused.html).toContain('<p class="field-error" id="field-family_name-error">Ce nom est certifié par FranceConnect');
    expect(refused.html).toContain('value="06 11 22 33 44"');
    expect(refused.html).not.toMatch(/id="field-given_name"[^>]*aria-invalid/);
    expect((await world.server.accounts.findById(citizen.id))?.familyName).toBe('Dubois');

    const saved = await submitTo(agent, home, '/account/profile', { phone_number: '06 11 22 33 44' });
    expect(isPage(saved) && saved.status).toBe(200);
    expect(await world.server.accounts.findById(citizen.id)).toMatchObject({
      givenName: 'Angela Claire Louise',
      familyName: 'DUBOIS',
      phoneNumber: '06 11 22 33 44',
    });
  });
});

describe('unlinking FranceConnect', () => {
  it('is refused to an account without a password or a passkey, which is told to set a password; after the reset by email it is allowed', async () => {
    const citizen = await aLinkedCitizen();
    const agent = await signedIn(world.server.issuer, citizen);
    await withoutPassword(citizen);
    const home = await pageAt(agent, '/account');
    expect(formsOf(home.html).some((form) => form.action === UNLINK)).toBe(false);
    expect(textOf(home)).toContain('votre compte doit d’abord avoir un mot de passe GrandLyonConnect ou une clé d’accès');
    expect(home.html).toContain('<a href="/account/password/forgot">');

    const forged = await forgedUnlink(agent);
    expect(forged.status).toBe(400);
    expect(textOf(forged)).toContain('FranceConnect reste lié : votre compte n’a ni mot de passe ni clé d’accès.');
    expect(await isLinked(citizen)).toBe(true);

    // The way the page points to: a password chosen through the link mailed to the account.
    const before = (await mailsTo(world.server, citizen.email)).length;
    const forgot = await pageAt(agent, '/account/password/forgot');
    await agent.submit(forgot, { email: citizen.email });
    const link = (await mailsArrived(world.server, citizen.email, before + 1)).at(-1)!.link!;
    const reset = await agent.submit(await pageAt(agent, link), { new_password: 'un mot de passe tout neuf' });
    expect(isPage(reset) && reset.status).toBe(200);

    const again = await signedIn(world.server.issuer, { email: citizen.email, password: 'un mot de passe tout neuf' });
    const unlinked = await unlinkFrom(again);
    expect(unlinked.url).toMatch(/\/account\?done=franceconnect\.unlinked$/);
    expect(unlinked.html).toContain('FranceConnect n’est plus lié à votre compte.');
    expect(unlinked.html).not.toContain('franceconnect-title');
    expect(await isLinked(citizen)).toBe(false);
  });

  it('is allowed to an account without a password that holds a passkey', async () => {
    const citizen = await aLinkedCitizen();
    const agent = await signedIn(world.server.issuer, citizen);
    await withoutPassword(citizen);
    await insertPasskey(world.server.pool, {
      accountId: citizen.id,
      credentialId: `credential-${citizen.id}`,
      publicKey: Buffer.from('a public key'),
      signCount: 0,
      transports: ['internal'],
      isBackedUp: false,
      isMultiDevice: false,
      name: 'Téléphone',
    });
    expect((await unlinkFrom(agent)).url).toMatch(/done=franceconnect\.unlinked$/);
    expect(await isLinked(citizen)).toBe(false);
  });

  it('refuses a post without the form’s token, and another citizen’s post unlinks only their own account', async () => {
    const citizen = await aLinkedCitizen();
    const agent = await signedIn(world.server.issuer, citizen);
    const noToken = await agent.request(UNLINK, { method: 'POST', form: { nothing: 'here' } });
    expect(noToken.status).toBe(403);
    expect(await isLinked(citizen)).toBe(true);

    const intruder = await aLinkedCitizen();
    const intruding = await signedIn(world.server.issuer, intruder);
    await unlinkFrom(intruding);
    expect(await isLinked(intruder)).toBe(false);
    expect(await isLinked(citizen)).toBe(true);
  });

  it('writes the link and the unlink in the security history', async () => {
    const citizen = await aLinkedCitizen();
    const agent = await signedIn(world.server.issuer, citizen);
    await unlinkFrom(agent);
    const history = await pageAt(agent, '/account/history');
    const lines = [...history.html.matchAll(/<li><time[^>]*>[^<]*<\/time> — ([^<(]*)/g)].map((m) => m[1]!.trim());
    expect(lines.indexOf('FranceConnect délié du compte')).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf('FranceConnect lié au compte')).toBeGreaterThan(lines.indexOf('FranceConnect délié du compte'));
    const english = await pageAt(agent, '/account/history?ui_locales=en');
    expect(english.html).toContain('FranceConnect unlinked from the account');
  });
});

describe('the link and the account’s data', () => {
  it('is listed in the export: provider, upstream sub, identity as last received, dates', async () => {
    const citizen = await aLinkedCitizen();
    const agent = await signedIn(world.server.issuer, citizen);
    const exported = (await (await agent.request('/account/export.json')).json()) as { federated_identities: unknown[] };
    expect(exported.federated_identities).toEqual([
      {
        provider: 'franceconnect',
        subject: expect.stringMatching(/^fc-sub-/),
        identity: { ...PIVOT, email: citizen.email, email_verified: true },
        acr: 'eidas1',
        linked_at: expect.any(String),
        last_used_at: expect.any(String),
      },
    ]);
    const unlinkedCitizen = await anAccount(world.server.accounts);
    const other = await signedIn(world.server.issuer, unlinkedCitizen);
    expect(
      ((await (await other.request('/account/export.json')).json()) as { federated_identities: unknown[] }).federated_identities,
    ).toEqual([]);
  });

  it('goes with the account when it is deleted', async () => {
    const citizen = await aLinkedCitizen();
    const link = await world.server.accounts.franceConnect.linkOf(citizen.id);
    const agent = await signedIn(world.server.issuer, citizen);
    const form = await pageAt(agent, '/account/delete');
    const deleted = await submitTo(agent, form, '/account/delete', { current_password: citizen.password });
    expect(isPage(deleted) && deleted.status).toBe(200);
    expect(await world.server.accounts.findById(citizen.id)).toBeUndefined();
    expect(await findFederatedIdentity(world.server.pool, 'franceconnect', link!.subject)).toBeUndefined();
  });
});
