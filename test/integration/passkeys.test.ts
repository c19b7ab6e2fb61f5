// Passkeys on a real database, with a software authenticator signing real answers: the two ceremonies, and
// every answer an attacker could send instead (another origin, another challenge, a replay, a clone's
// counter, a flipped signature, garbage) refused without a throw.
import { createAccounts, type Accounts } from '../../src/accounts/index.js';
import { createFactorEvents } from '../../src/accounts/factors/index.js';
import {
  putChallenge,
  recordPasskeyUse,
  takeChallenge,
  deleteExpiredChallenges,
  findPasskeyByCredentialId,
} from '../../src/accounts/factors/passkey-repository.js';
import { createPasskeys, type Passkeys } from '../../src/accounts/factors/passkeys.js';
import type { AccountNotice } from '../../src/accounts/self-service.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { anAccount, type TestAccount } from '../support/builders.js';
import { useFreshDatabase } from '../support/database.js';
import { aSoftAuthenticator, type SoftAuthenticator } from '../support/soft-authenticator.js';

const ISSUER = 'https://connect.grandlyon.example';
const config = loadConfig({ LOG_LEVEL: 'silent' });
const CHEAP_ARGON2 = { ...config.argon2, memoryKiB: 1024, timeCost: 1, parallelism: 1 };

const database = useFreshDatabase();
let accounts: Accounts;
let passkeys: Passkeys;
const mails: AccountNotice[] = [];

beforeAll(() => {
  accounts = createAccounts({ db: database.pool, config: { ...config, argon2: CHEAP_ARGON2 }, log: createLogger('silent') });
  const events = createFactorEvents((notice) => {
    mails.push(notice);
    return Promise.resolve();
  });
  passkeys = createPasskeys({ db: database.pool, events, issuer: ISSUER, rpName: 'GrandLyonConnect', challengeTtlSeconds: 300 });
});

async function withPasskey(
  name = 'Téléphone',
  bend: { isSynced?: boolean } = {},
): Promise<{ citizen: TestAccount; device: SoftAuthenticator; id: string }> {
  const citizen = await anAccount(accounts);
  const device = aSoftAuthenticator(ISSUER);
  const options = await passkeys.registrationOptions(citizen, `session-${citizen.id}`);
  const outcome = await passkeys.verifyRegistration(citizen, `session-${citizen.id}`, JSON.stringify(device.register(options, bend)), name);
  if (!outcome.isAdded) throw new Error(`registration refused: ${outcome.reason}`);
  return { citizen, device, id: outcome.passkey.id };
}

/** A sign-in answered by `device` to fresh options; the verdict. */
async function signInWith(
  device: SoftAuthenticator,
  bend: Parameters<SoftAuthenticator['authenticate']>[1] = {},
  key = `login:${Math.random()}`,
) {
  const options = await passkeys.authenticationOptions(key);
  return passkeys.verifyAuthentication(key, JSON.stringify(device.authenticate(options, bend)));
}

describe('registering a passkey', () => {
  it('asks for a discoverable credential of the ISSUER host, and lists the passkey with its name and dates', async () => {
    const citizen = await anAccount(accounts);
    const options = await passkeys.registrationOptions(citizen, 's1');
    expect(options.rp).toEqual({ id: 'connect.grandlyon.example', name: 'GrandLyonConnect' });
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'preferred' });
    const device = aSoftAuthenticator(ISSUER);
    const outcome = await passkeys.verifyRegistration(citizen, 's1', JSON.stringify(device.register(options)), '  Clé de Jeanne  ', {
      ip: '203.0.113.7',
    });
    expect(outcome).toMatchObject({ isAdded: true, passkey: { name: 'Clé de Jeanne', lastUsedAt: undefined, isSynced: false } });
    expect(await passkeys.list(citizen.id)).toEqual([expect.objectContaining({ name: 'Clé de Jeanne', createdAt: expect.any(Date) })]);
    expect(await passkeys.hasPasskey(citizen.id)).toBe(true);
  });

  it('writes the history line and mails the citizen', async () => {
    const { citizen } = await withPasskey('Ordinateur');
    const [event] = await accounts.securityHistory(citizen.id);
    expect(event).toMatchObject({ kind: 'passkey_added', detail: 'Ordinateur' });
    expect(mails.filter((m) => m.to === citizen.email)).toEqual([
      expect.objectContaining({ kind: 'passkey-added', vars: expect.objectContaining({ name: 'Ordinateur' }) }),
    ]);
  });

  it('refuses an answer whose id is not the credential it attests', async () => {
    const citizen = await anAccount(accounts);
    const options = await passkeys.registrationOptions(citizen, 'mismatch');
    const answer = aSoftAuthenticator(ISSUER).register(options);
    const outcome = await passkeys.verifyRegistration(citizen, 'mismatch', JSON.stringify({ ...answer, id: 'AAAA', rawId: 'AAAA' }), 'Clé');
    expect(outcome).toEqual({ isAdded: false, reason: 'refused' });
  });

  it('excludes the passkeys the account already has from new registrations', async () => {
    const { citizen, device } = await withPasskey();
    const options = await passkeys.registrationOptions(citizen, 'again');
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([device.credentials[0]!.id]);
  });

  it.each([
    ['from another origin', { origin: 'https://evil.example' }],
    ['to another challenge', { challenge: 'c29tZS1vdGhlci1jaGFsbGVuZ2U' }],
  ])('refuses an answer %s and stores nothing', async (_what, bend) => {
    const citizen = await anAccount(accounts);
    const options = await passkeys.registrationOptions(citizen, 's');
    const outcome = await passkeys.verifyRegistration(
      citizen,
      's',
      JSON.stringify(aSoftAuthenticator(ISSUER).register(options, bend)),
      'Clé',
    );
    expect(outcome).toEqual({ isAdded: false, reason: 'refused' });
    expect(await passkeys.list(citizen.id)).toEqual([]);
  });

  it('refuses an answer to the options of another session (the challenge is bound to its session)', async () => {
    const citizen = await anAccount(accounts);
    const theirs = await passkeys.registrationOptions(citizen, 'session-a');
    await passkeys.registrationOptions(citizen, 'session-b');
    const outcome = await passkeys.verifyRegistration(
      citizen,
      'session-b',
      JSON.stringify(aSoftAuthenticator(ISSUER).register(theirs)),
      'Clé',
    );
    expect(outcome).toEqual({ isAdded: false, reason: 'refused' });
  });

  it('answers a challenge once: the same answer sent again is refused', async () => {
    const citizen = await anAccount(accounts);
    const options = await passkeys.registrationOptions(citizen, 'once');
    const answer = JSON.stringify(aSoftAuthenticator(ISSUER).register(options));
    expect((await passkeys.verifyRegistration(citizen, 'once', answer, 'Clé')).isAdded).toBe(true);
    expect(await passkeys.verifyRegistration(citizen, 'once', answer, 'Clé')).toEqual({ isAdded: false, reason: 'refused' });
    expect(await passkeys.list(citizen.id)).toHaveLength(1);
  });

  it('refuses a credential already registered to another account', async () => {
    const { citizen: first, device } = await withPasskey();
    const second = await anAccount(accounts);
    const options = await passkeys.registrationOptions(second, 'other');
    // A valid attestation of the first account's credential id, for the second account.
    const answer = aSoftAuthenticator(ISSUER).register(options, { credentialId: device.credentials[0]!.id });
    const outcome = await passkeys.verifyRegistration(second, 'other', JSON.stringify(answer), 'Clé');
    expect(outcome).toEqual({ isAdded: false, reason: 'already_registered' });
    expect(await passkeys.list(second.id)).toEqual([]);
    expect(await passkeys.list(first.id)).toHaveLength(1);
  });

  it.each([
    ['an empty name', ''],
    ['a name over 100 characters', 'x'.repeat(101)],
    ['a name with a control character', 'Clé\u0007'],
  ])('refuses %s', async (_what, name) => {
    const citizen = await anAccount(accounts);
    const options = await passkeys.registrationOptions(citizen, 'n');
    expect(await passkeys.verifyRegistration(citizen, 'n', JSON.stringify(aSoftAuthenticator(ISSUER).register(options)), name)).toEqual({
      isAdded: false,
      reason: 'name_invalid',
    });
  });

  it.each([
    '',
    'null',
    '[]',
    '{',
    '{"id":"x"}',
    JSON.stringify({ id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' } }),
  ])('refuses the garbage %p without throwing', async (garbage) => {
    const citizen = await anAccount(accounts);
    await passkeys.registrationOptions(citizen, 'g');
    expect(await passkeys.verifyRegistration(citizen, 'g', garbage, 'Clé')).toEqual({ isAdded: false, reason: 'refused' });
  });
});

describe('signing in with a passkey', () => {
  it('finds the account from the credential alone and says what was proved', async () => {
    const { citizen, device } = await withPasskey();
    expect(await signInWith(device)).toEqual({ accountId: citizen.id, proof: { passkey: { userVerified: true, hardwareBound: true } } });
    expect((await passkeys.list(citizen.id))[0]!.lastUsedAt).toEqual(expect.any(Date));
  });

  it('calls a synced (backed-up) passkey a software key', async () => {
    const { device } = await withPasskey('Trousseau', { isSynced: true });
    expect((await signInWith(device))?.proof).toEqual({ passkey: { userVerified: true, hardwareBound: false } });
  });

  it('says when the device did not verify its user', async () => {
    const { device } = await withPasskey();
    expect((await signInWith(device, { userVerified: false }))?.proof).toEqual({ passkey: { userVerified: false, hardwareBound: true } });
  });

  it('offers only that account’s credentials when an account is named', async () => {
    const { citizen, device } = await withPasskey();
    await withPasskey();
    const options = await passkeys.authenticationOptions('second-factor', citizen.id);
    expect(options.rpId).toBe('connect.grandlyon.example');
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([device.credentials[0]!.id]);
    expect((await passkeys.authenticationOptions('discoverable')).allowCredentials ?? []).toEqual([]);
  });

  it('tells whose credential an answer names before verifying it, for throttling', async () => {
    const { citizen, device } = await withPasskey();
    const answer = JSON.stringify(device.authenticate(await passkeys.authenticationOptions('who')));
    expect(await passkeys.ownerOf(answer)).toEqual({ kind: 'known', accountId: citizen.id });
    const stranger = aSoftAuthenticator(ISSUER);
    stranger.register(await passkeys.registrationOptions(citizen, 'never-verified'));
    expect(await passkeys.ownerOf(JSON.stringify(stranger.authenticate(await passkeys.authenticationOptions('who'))))).toEqual({
      kind: 'unknown',
    });
    expect(await passkeys.ownerOf('not json')).toEqual({ kind: 'malformed' });
  });

  it.each([
    ['signed for another origin', { origin: 'https://evil.example' }],
    ['to another challenge', { challenge: 'c29tZS1vdGhlci1jaGFsbGVuZ2U' }],
    ['with a flipped signature', { tamperSignature: true }],
  ])('refuses an answer %s', async (_what, bend) => {
    const { citizen, device } = await withPasskey();
    expect(await signInWith(device, bend)).toBeUndefined();
    expect((await passkeys.list(citizen.id))[0]!.lastUsedAt).toBeUndefined();
  });

  it('refuses a replayed answer: the challenge was spent by the first', async () => {
    const { device } = await withPasskey();
    const options = await passkeys.authenticationOptions('login:replay');
    const answer = JSON.stringify(device.authenticate(options));
    expect(await passkeys.verifyAuthentication('login:replay', answer)).toBeDefined();
    await passkeys.authenticationOptions('login:replay');
    expect(await passkeys.verifyAuthentication('login:replay', answer)).toBeUndefined();
  });

  it('refuses a counter that goes backwards (a cloned authenticator)', async () => {
    const { device } = await withPasskey();
    expect(await signInWith(device)).toBeDefined();
    expect(await signInWith(device)).toBeDefined();
    expect(await signInWith(device, { counter: 1 })).toBeUndefined();
  });

  it('accepts an authenticator that keeps no counter (0 every time)', async () => {
    const { device } = await withPasskey();
    expect(await signInWith(device, { counter: 0 })).toBeDefined();
    expect(await signInWith(device, { counter: 0 })).toBeDefined();
  });

  it('refuses an unknown credential, a removed one, and a user handle of another account', async () => {
    const { citizen, device, id } = await withPasskey();
    const stranger = aSoftAuthenticator(ISSUER);
    stranger.register(await passkeys.registrationOptions(citizen, 'never-verified'));
    expect(await signInWith(stranger)).toBeUndefined();
    const other = await anAccount(accounts);
    device.credentials[0]!.userHandle = Buffer.from(other.id).toString('base64url');
    expect(await signInWith(device)).toBeUndefined();
    device.credentials[0]!.userHandle = Buffer.from(citizen.id).toString('base64url');
    expect(await passkeys.remove(citizen.id, id)).toBe(true);
    expect(await signInWith(device)).toBeUndefined();
  });

  it.each([
    '',
    'garbage',
    '{}',
    '{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}',
  ])('refuses the garbage %p without throwing', async (garbage) => {
    await passkeys.authenticationOptions('login:garbage');
    expect(await passkeys.verifyAuthentication('login:garbage', garbage)).toBeUndefined();
  });
});

describe('removing passkeys', () => {
  it('removes one by (account, id), tells the citizen, and leaves another account’s alone', async () => {
    const { citizen, id } = await withPasskey('Ancienne clé');
    const other = await anAccount(accounts);
    expect(await passkeys.remove(other.id, id)).toBe(false);
    expect(await passkeys.remove(citizen.id, 'not-a-uuid')).toBe(false);
    expect(await passkeys.list(citizen.id)).toHaveLength(1);
    expect(await passkeys.remove(citizen.id, id, { ip: '203.0.113.9' })).toBe(true);
    expect(await passkeys.list(citizen.id)).toEqual([]);
    expect(await passkeys.hasPasskey(citizen.id)).toBe(false);
    expect((await accounts.securityHistory(citizen.id))[0]).toMatchObject({
      kind: 'passkey_removed',
      detail: 'Ancienne clé',
      ip: '203.0.113.9',
    });
    expect(mails.filter((m) => m.to === citizen.email).map((m) => m.kind)).toEqual(['passkey-added', 'passkey-removed']);
  });

  it('removes every passkey of an account at once (counter recovery)', async () => {
    const { citizen, device } = await withPasskey();
    const options = await passkeys.registrationOptions(citizen, 'second');
    await passkeys.verifyRegistration(citizen, 'second', JSON.stringify(device.register(options)), 'Deuxième');
    expect(await passkeys.list(citizen.id)).toHaveLength(2);
    await passkeys.removeAll(citizen.id, database.pool);
    expect(await passkeys.list(citizen.id)).toEqual([]);
  });
});

describe('the passkey repository', () => {
  it('moves a counter once among parallel uses reporting the same value', async () => {
    const { device } = await withPasskey();
    const row = await findPasskeyByCredentialId(database.pool, device.credentials[0]!.id);
    const uses = await Promise.all(
      Array.from({ length: 10 }, () => recordPasskeyUse(database.pool, row!.id, { signCount: 7, isBackedUp: false })),
    );
    expect(uses.filter(Boolean)).toHaveLength(1);
  });

  it('gives a challenge to one taker only, and never an expired one', async () => {
    await putChallenge(database.pool, 'race', 'abc', 60);
    const takers = await Promise.all(Array.from({ length: 10 }, () => takeChallenge(database.pool, 'race')));
    expect(takers.filter((c) => c === 'abc')).toHaveLength(1);
    await putChallenge(database.pool, 'stale', 'old', -1);
    expect(await takeChallenge(database.pool, 'stale')).toBeUndefined();
  });

  it('purges expired challenges and keeps live ones', async () => {
    await putChallenge(database.pool, 'expired-1', 'x', -5);
    await putChallenge(database.pool, 'live-1', 'y', 60);
    expect(await deleteExpiredChallenges(database.pool, 100)).toBeGreaterThanOrEqual(1);
    expect(await takeChallenge(database.pool, 'live-1')).toBe('y');
  });
});
