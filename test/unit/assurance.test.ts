import {
  ACR_1FA,
  ACR_2FA,
  ACR_VALUES,
  assuranceOf,
  levelOf,
  satisfies,
  strongest,
  type Proof,
} from '../../src/accounts/factors/assurance.js';

const passkey = (userVerified: boolean, hardwareBound: boolean): Proof => ({ passkey: { userVerified, hardwareBound } });
const UNKNOWN = 'urn:example:acr:silver';

describe('the assurance levels', () => {
  it('are the two advertised URNs, weakest first', () => {
    expect(ACR_1FA).toBe('urn:grandlyonconnect:acr:1fa');
    expect(ACR_2FA).toBe('urn:grandlyonconnect:acr:2fa');
    expect(ACR_VALUES).toEqual([ACR_1FA, ACR_2FA]);
  });
});

describe('assuranceOf', () => {
  it.each<[string, Proof[], string, string[]]>([
    ['a password alone', ['password'], ACR_1FA, ['pwd']],
    ['a password and a TOTP code', ['password', 'totp'], ACR_2FA, ['pwd', 'otp', 'mfa']],
    ['a password and a recovery code', ['password', 'recovery-code'], ACR_2FA, ['pwd', 'otp', 'mfa']],
    ['a hardware passkey that verified its user', [passkey(true, true)], ACR_2FA, ['hwk', 'user', 'mfa']],
    ['a synced passkey that verified its user', [passkey(true, false)], ACR_2FA, ['swk', 'user', 'mfa']],
    ['a hardware passkey without user verification', [passkey(false, true)], ACR_1FA, ['hwk']],
    ['a synced passkey without user verification', [passkey(false, false)], ACR_1FA, ['swk']],
    ['a password and a passkey without user verification', ['password', passkey(false, true)], ACR_2FA, ['pwd', 'hwk', 'mfa']],
    ['a password and a passkey that verified its user', ['password', passkey(true, false)], ACR_2FA, ['pwd', 'swk', 'user', 'mfa']],
    ['a TOTP code alone', ['totp'], ACR_1FA, ['otp']],
    ['a TOTP code and a recovery code (two held factors of one kind)', ['totp', 'recovery-code'], ACR_1FA, ['otp']],
  ])('rates %s', (_title, proofs, acr, amr) => {
    expect(assuranceOf(proofs)).toEqual({ acr, amr });
  });

  it('lists methods in one order whatever the order of the proofs', () => {
    expect(assuranceOf(['totp', 'password'])).toEqual(assuranceOf(['password', 'totp']));
    expect(assuranceOf([passkey(false, true), 'password']).amr).toEqual(['pwd', 'hwk', 'mfa']);
  });

  it('counts a proof given twice once', () => {
    expect(assuranceOf(['password', 'password'])).toEqual({ acr: ACR_1FA, amr: ['pwd'] });
  });

  it('refuses to rate a sign-in that proved nothing', () => {
    expect(() => assuranceOf([])).toThrow(/without any proof/);
  });
});

describe('levelOf', () => {
  it('is 1 for 1fa, 2 for 2fa and undefined for anything else', () => {
    expect(levelOf(ACR_1FA)).toBe(1);
    expect(levelOf(ACR_2FA)).toBe(2);
    expect(levelOf(UNKNOWN)).toBeUndefined();
    expect(levelOf(undefined)).toBeUndefined();
    expect(levelOf('')).toBeUndefined();
  });
});

describe('satisfies', () => {
  it('takes a level as meeting itself and any lower one', () => {
    expect(satisfies(ACR_1FA, ACR_1FA)).toBe(true);
    expect(satisfies(ACR_2FA, ACR_2FA)).toBe(true);
    expect(satisfies(ACR_2FA, ACR_1FA)).toBe(true);
  });

  it('refuses a lower level or none', () => {
    expect(satisfies(ACR_1FA, ACR_2FA)).toBe(false);
    expect(satisfies(undefined, ACR_1FA)).toBe(false);
    expect(satisfies(UNKNOWN, ACR_1FA)).toBe(false);
  });

  it('lets nothing satisfy an unknown requirement', () => {
    expect(satisfies(ACR_2FA, UNKNOWN)).toBe(false);
    expect(satisfies(UNKNOWN, UNKNOWN)).toBe(false);
  });
});

describe('strongest', () => {
  it('picks the highest known level among requested values', () => {
    expect(strongest([ACR_1FA, ACR_2FA])).toBe(ACR_2FA);
    expect(strongest([ACR_2FA, ACR_1FA])).toBe(ACR_2FA);
    expect(strongest([ACR_1FA])).toBe(ACR_1FA);
  });

  it('passes over unknown values', () => {
    expect(strongest([UNKNOWN, ACR_1FA, 'urn:example:acr:gold'])).toBe(ACR_1FA);
  });

  it('is undefined when no requested value is known', () => {
    expect(strongest([UNKNOWN])).toBeUndefined();
    expect(strongest([])).toBeUndefined();
  });
});
