import { checkPasswordPolicy, createPasswords, normalizePassword } from '../../src/accounts/passwords.js';

const POLICY = { minLength: 12, maxLength: 128, maxBytes: 4096 };
// Cheap parameters: these tests are about behaviour, not cost.
const CHEAP = { memoryKiB: 1024, timeCost: 1, parallelism: 1 };
const EMAIL = 'jeanne.dupont@example.org';

describe('checkPasswordPolicy', () => {
  it('accepts a long enough passphrase', () => {
    expect(checkPasswordPolicy('une phrase de passe', EMAIL, POLICY)).toBeUndefined();
  });

  it('refuses a password shorter than the minimum', () => {
    expect(checkPasswordPolicy('court', EMAIL, POLICY)).toBe('password_too_short');
  });

  it('refuses a password longer than the maximum', () => {
    expect(checkPasswordPolicy('a'.repeat(129), EMAIL, POLICY)).toBe('password_too_long');
    expect(checkPasswordPolicy('a'.repeat(128), EMAIL, POLICY)).toBeUndefined();
  });

  it('refuses a password heavier than the byte limit even when short in characters', () => {
    const policy = { minLength: 1, maxLength: 1000, maxBytes: 10 };
    expect(checkPasswordPolicy('éééééé', EMAIL, policy)).toBe('password_too_long');
    expect(checkPasswordPolicy('eeeeee', EMAIL, policy)).toBeUndefined();
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkPasswordPolicy('😀'.repeat(12), EMAIL, POLICY)).toBeUndefined();
    expect(checkPasswordPolicy('😀'.repeat(6), EMAIL, POLICY)).toBe('password_too_short');
  });

  it('refuses the email address as password, whatever its case', () => {
    expect(checkPasswordPolicy('Jeanne.Dupont@Example.org', EMAIL, POLICY)).toBe('password_equals_email');
  });
});

describe('normalizePassword', () => {
  it('composes accents typed as combining characters', () => {
    expect(normalizePassword('e\u0301t\u00e9')).toBe('\u00e9t\u00e9');
  });

  it('folds compatibility characters (NFKC)', () => {
    expect(normalizePassword('ﬁＡ')).toBe('fiA');
  });
});

describe('createPasswords', () => {
  const passwords = createPasswords(CHEAP, POLICY);

  it('verifies the password it hashed and refuses another', async () => {
    const hash = await passwords.hash('une phrase de passe');
    expect(hash).not.toContain('une phrase de passe');
    expect(await passwords.verify(hash, 'une phrase de passe')).toBe(true);
    expect(await passwords.verify(hash, 'une autre phrase')).toBe(false);
  });

  it('hashes with argon2id', async () => {
    expect(await passwords.hash('une phrase de passe')).toMatch(/^\$argon2id\$/);
  });

  it('verifies a password typed with another Unicode composition', async () => {
    const hash = await passwords.hash('mot de passe d\u00e9j\u00e0 vu');
    expect(await passwords.verify(hash, 'mot de passe de\u0301ja\u0300 vu')).toBe(true);
  });

  it('answers false when there is no stored hash', async () => {
    expect(await passwords.verify(undefined, 'une phrase de passe')).toBe(false);
  });

  it('refuses an oversized password even when it is the right one', async () => {
    const huge = 'x'.repeat(POLICY.maxBytes + 1);
    const hash = await passwords.hash(huge);
    expect(await passwords.verify(hash, huge)).toBe(false);
  });

  it('answers false for a stored hash it cannot read', async () => {
    expect(await passwords.verify('not-an-argon2-hash', 'une phrase de passe')).toBe(false);
  });

  it('asks for a rehash only when the parameters changed', async () => {
    const hash = await passwords.hash('une phrase de passe');
    expect(passwords.needsRehash(hash)).toBe(false);
    expect(createPasswords({ ...CHEAP, timeCost: 2 }, POLICY).needsRehash(hash)).toBe(true);
    expect(createPasswords({ ...CHEAP, memoryKiB: 2048 }, POLICY).needsRehash(hash)).toBe(true);
  });
});
