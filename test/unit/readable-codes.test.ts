import { newCounterCode, normaliseCode as normaliseCounterCode } from '../../src/accounts/factors/counter-code.js';
import { READABLE_ALPHABET } from '../../src/accounts/factors/readable-code.js';
import { newRecoveryCodes, normaliseCode } from '../../src/accounts/factors/recovery-codes.js';

const AMBIGUOUS = ['0', 'O', '1', 'I', 'L'];

describe('the readable alphabet', () => {
  it('holds uppercase letters and digits, none of 0 O 1 I L, each once', () => {
    expect(READABLE_ALPHABET).toMatch(/^[A-Z0-9]+$/);
    for (const character of AMBIGUOUS) expect(READABLE_ALPHABET).not.toContain(character);
    expect(new Set(READABLE_ALPHABET).size).toBe(READABLE_ALPHABET.length);
    // Every other uppercase letter and digit is in: a smaller alphabet would only cost entropy.
    expect(READABLE_ALPHABET).toHaveLength(26 + 10 - AMBIGUOUS.length);
  });
});

describe('newRecoveryCodes', () => {
  it('gives ten distinct codes shown as XXXXX-XXXXX from the readable alphabet', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const shape = new RegExp(`^[${READABLE_ALPHABET}]{5}-[${READABLE_ALPHABET}]{5}$`);
    for (const code of codes) expect(code).toMatch(shape);
  });

  it('draws a new set each time', () => {
    const first = new Set(newRecoveryCodes());
    expect(newRecoveryCodes().some((code) => first.has(code))).toBe(false);
  });

  it('uses every character of the alphabet and nothing else over many codes', () => {
    // 100 sets are 10,000 characters: each of the 31 is expected about 320 times, so missing one would be
    // a bias, not chance.
    const seen = new Set(
      Array.from({ length: 100 }, () => newRecoveryCodes())
        .flat()
        .join('')
        .replace(/-/g, ''),
    );
    expect(seen).toEqual(new Set(READABLE_ALPHABET));
  });
});

describe('normaliseCode', () => {
  it('reads a typed code the same as the shown one: lower case, spaces, dashes', () => {
    expect(normaliseCode('ABCDE-FGHJK')).toBe('ABCDEFGHJK');
    for (const typed of ['abcde fghjk', 'abcdefghjk', ' AbCdE-fGhJk ', 'ab-cde  fg-hjk', 'ABCDE\u2013FGHJK']) {
      expect(normaliseCode(typed)).toBe(normaliseCode('ABCDE-FGHJK'));
    }
  });

  it('maps nothing else: a typed O or l is not read as 0 or 1', () => {
    expect(normaliseCode('o0l1i')).toBe('O0L1I');
    expect(normaliseCode('ABCDE_FGHJK')).toBe('ABCDE_FGHJK');
  });

  it('gives back a shown recovery code without its dash', () => {
    for (const code of newRecoveryCodes()) expect(normaliseCode(code.toLowerCase())).toBe(code.replace('-', ''));
  });
});

describe('newCounterCode', () => {
  it('is XXXX-XXXX-XXXX from the readable alphabet', () => {
    const shape = new RegExp(`^[${READABLE_ALPHABET}]{4}-[${READABLE_ALPHABET}]{4}-[${READABLE_ALPHABET}]{4}$`);
    for (let i = 0; i < 50; i++) expect(newCounterCode()).toMatch(shape);
  });

  it('draws a new code each time', () => {
    expect(new Set(Array.from({ length: 50 }, () => newCounterCode())).size).toBe(50);
  });

  it('shares the normalisation of recovery codes', () => {
    expect(normaliseCounterCode).toBe(normaliseCode);
    const code = newCounterCode();
    expect(normaliseCounterCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code.replace(/-/g, ''));
  });
});
