import {
  authenticationResponseOf,
  isHardwareBound,
  passkeyName,
  registrationResponseOf,
  relyingPartyOf,
  userHandleMatches,
  userHandleOf,
} from '../../src/accounts/factors/passkey-rules.js';

const registration = { id: 'AbC-_1', rawId: 'AbC-_1', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' } };
const assertion = {
  id: 'AbC-_1',
  rawId: 'AbC-_1',
  type: 'public-key',
  response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
};
const json = (value: unknown) => JSON.stringify(value);

describe('the relying party', () => {
  it('is the ISSUER host without its port, and the ISSUER origin without its path', () => {
    expect(relyingPartyOf('https://connect.grandlyon.com/oidc')).toEqual({
      rpId: 'connect.grandlyon.com',
      origin: 'https://connect.grandlyon.com',
    });
    expect(relyingPartyOf('http://localhost:3000')).toEqual({ rpId: 'localhost', origin: 'http://localhost:3000' });
  });
});

describe('hardware-bound or software key', () => {
  it.each([
    ['singleDevice', false, true],
    ['singleDevice', true, false],
    ['multiDevice', false, false],
    ['multiDevice', true, false],
  ] as const)('a %s credential, backed up: %s, is hardware-bound: %s', (deviceType, isBackedUp, expected) => {
    expect(isHardwareBound(deviceType, isBackedUp)).toBe(expected);
  });
});

describe('a passkey name', () => {
  it('is trimmed and kept up to 100 characters', () => {
    expect(passkeyName('  Téléphone de Jeanne ')).toBe('Téléphone de Jeanne');
    expect(passkeyName('x'.repeat(100))).toHaveLength(100);
  });

  it.each(['', '   ', 'x'.repeat(101), 'tab\there', 'bell\u0007'])('refuses %p', (name) => {
    expect(passkeyName(name)).toBeUndefined();
  });
});

describe('the user handle', () => {
  it('is the account id, and an answer naming another account does not match', () => {
    const handle = Buffer.from(userHandleOf('a-1')).toString('base64url');
    expect(userHandleMatches(handle, 'a-1')).toBe(true);
    expect(userHandleMatches(handle, 'a-2')).toBe(false);
    expect(userHandleMatches(undefined, 'a-1')).toBe(true);
  });
});

describe('reading a browser answer', () => {
  it('reads well-shaped answers', () => {
    expect(registrationResponseOf(json(registration))).toEqual(registration);
    expect(authenticationResponseOf(json(assertion))).toEqual(assertion);
  });

  it.each([
    ['not JSON', '{'],
    ['JSON but not an object', '[1]'],
    ['null', 'null'],
    ['an id that is not base64url', json({ ...assertion, id: 'a b', rawId: 'a b' })],
    ['a rawId unlike the id', json({ ...assertion, rawId: 'other' })],
    ['another type', json({ ...assertion, type: 'password' })],
    ['no signature', json({ ...assertion, response: { ...assertion.response, signature: undefined } })],
    ['a signature that is a number', json({ ...assertion, response: { ...assertion.response, signature: 12 } })],
    ['an id longer than any credential', json({ ...assertion, id: 'A'.repeat(1401), rawId: 'A'.repeat(1401) })],
    ['a huge part', json({ ...assertion, response: { ...assertion.response, signature: 'A'.repeat(20_000) } })],
  ])('refuses a sign-in answer with %s', (_what, text) => {
    expect(authenticationResponseOf(text)).toBeUndefined();
  });

  it.each([
    ['no attestation object', json({ ...registration, response: { clientDataJSON: 'e30' } })],
    ['transports that are not strings', json({ ...registration, response: { ...registration.response, transports: [1] } })],
    ['a sign-in answer', json(assertion)],
  ])('refuses a registration answer with %s', (_what, text) => {
    expect(registrationResponseOf(text)).toBeUndefined();
  });
});
