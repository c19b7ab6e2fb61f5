// An account keeps at least one way in, in both directions: the last passkey of an account without a password
// goes only while FranceConnect is linked, and FranceConnect is unlinked only while a password or a passkey
// remains. Posted by hand, as an attacker (or a hurried citizen) would, past the pages that hide the buttons.
import { insertFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { insertPasskey } from '../../src/accounts/factors/passkey-repository.js';
import { anAccount, type TestAccount } from '../support/builders.js';
import { csrfOf, pageAt, signedIn, textOf } from '../support/account-space.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { isPage, type Page, type UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'bron', name: 'Bron' }] }));

const REMOVE = '/account/security/passkeys/remove';
const UNLINK = '/account/franceconnect/unlink';
let keys = 0;

async function aPasskeyOf(citizen: TestAccount, name: string): Promise<string> {
  keys += 1;
  const row = await insertPasskey(world.server.pool, {
    accountId: citizen.id,
    credentialId: `credential-${keys}-${citizen.id}`,
    publicKey: Buffer.from('a public key'),
    signCount: 0,
    transports: ['internal'],
    isBackedUp: false,
    isMultiDevice: false,
    name,
  });
  if (!row) throw new Error('passkey not inserted');
  return row.id;
}

async function linkFranceConnect(citizen: TestAccount): Promise<void> {
  await insertFederatedIdentity(world.server.pool, {
    provider: 'franceconnect',
    subject: `fc-ways-${citizen.id}`,
    accountId: citizen.id,
    identity: { given_name: 'Léa', family_name: 'MARTIN', email: citizen.email, email_verified: true },
    acr: 'eidas1',
  });
}

/** Signed in with its password, which then goes: the account is as a passkey-only or FranceConnect one. */
async function aPasswordlessCitizen(): Promise<{ citizen: TestAccount; agent: UserAgent }> {
  const citizen = await anAccount(world.server.accounts);
  const agent = await signedIn(world.server.issuer, citizen);
  await world.server.pool.query('update accounts set password_hash = null where id = $1', [citizen.id]);
  return { citizen, agent };
}

async function post(agent: UserAgent, action: string, form: Record<string, string>): Promise<Page | { leftTo: string }> {
  const security = await pageAt(agent, '/account/security');
  return agent.navigate(action, { method: 'POST', form: { _csrf: csrfOf(security), ...form } });
}

const passkeyCount = async (citizen: TestAccount) => (await world.server.factors.passkeys.list(citizen.id)).length;

describe('the last way into an account', () => {
  it('refuses removing the last passkey of an account with neither a password nor FranceConnect', async () => {
    const { citizen, agent } = await aPasswordlessCitizen();
    const id = await aPasskeyOf(citizen, 'Seule clé');
    const refused = await post(agent, REMOVE, { id });
    if (!isPage(refused)) throw new Error('expected a page');
    expect(refused.status).toBe(400);
    expect(textOf(refused)).toContain('C’est la seule façon d’entrer dans votre compte');
    expect(await passkeyCount(citizen)).toBe(1);
  });

  it('removes one of two passkeys of such an account, then refuses the other', async () => {
    const { citizen, agent } = await aPasswordlessCitizen();
    const first = await aPasskeyOf(citizen, 'Téléphone');
    const second = await aPasskeyOf(citizen, 'Ordinateur');
    const removed = await post(agent, REMOVE, { id: first });
    expect(isPage(removed) && removed.url).toMatch(/passkey=removed$/);
    const refused = await post(agent, REMOVE, { id: second });
    expect(isPage(refused) && refused.status).toBe(400);
    expect(await passkeyCount(citizen)).toBe(1);
  });

  it('removes the last passkey of an account without a password while FranceConnect is linked, then refuses the unlink', async () => {
    const { citizen, agent } = await aPasswordlessCitizen();
    await linkFranceConnect(citizen);
    const id = await aPasskeyOf(citizen, 'Seule clé');
    const removed = await post(agent, REMOVE, { id });
    expect(isPage(removed) && removed.url).toMatch(/passkey=removed$/);
    expect(await passkeyCount(citizen)).toBe(0);
    const unlink = await post(agent, UNLINK, {});
    expect(isPage(unlink) && unlink.status).toBe(400);
    expect(await world.server.accounts.franceConnect.linkOf(citizen.id)).toBeDefined();
  });

  it('unlinks FranceConnect from an account without a password that keeps a passkey, then refuses removing that passkey', async () => {
    const { citizen, agent } = await aPasswordlessCitizen();
    await linkFranceConnect(citizen);
    const id = await aPasskeyOf(citizen, 'Seule clé');
    const unlinked = await post(agent, UNLINK, {});
    expect(isPage(unlinked) && unlinked.url).toMatch(/done=franceconnect\.unlinked$/);
    const refused = await post(agent, REMOVE, { id });
    expect(isPage(refused) && refused.status).toBe(400);
    expect(await passkeyCount(citizen)).toBe(1);
  });

  it('still removes the only passkey of an account with a password', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    const id = await aPasskeyOf(citizen, 'Seule clé');
    const removed = await post(agent, REMOVE, { id });
    expect(isPage(removed) && removed.url).toMatch(/passkey=removed$/);
    expect(await passkeyCount(citizen)).toBe(0);
  });
});
