// The one email rule of every entry point (registration, email change, password reset, glc account add,
// the operators' API): a bare address, nothing a mailer could read as a second recipient or a header.
import { normaliseEmail, parseEmail } from '../../src/accounts/index.js';
import { AppError } from '../../src/errors.js';

function refusalOf(input: string): AppError | undefined {
  try {
    normaliseEmail(input);
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}

describe('normaliseEmail', () => {
  it('accepts a bare address and lower-cases its domain only', () => {
    expect(normaliseEmail('Jeanne.Dupont@Lyon.FR')).toBe('Jeanne.Dupont@lyon.fr');
    expect(normaliseEmail('  jeanne@example.org  ')).toBe('jeanne@example.org');
    expect(normaliseEmail('jeanne+mairie@example.org')).toBe('jeanne+mairie@example.org');
  });

  it('composes the address the same however the keyboard composed it (NFC)', () => {
    expect(normaliseEmail('rene\u0301@example.org')).toBe('ren\u00e9@example.org');
  });

  it.each([
    ['a display name', 'Eve <attacker@example.org>'],
    ['a quoted display name', '"Jeanne" <jeanne@example.org>'],
    ['angle brackets alone', '<attacker@example.org>'],
    ['a line break and a header', 'jeanne@example.org\r\nBcc: attacker@example.org'],
    ['a bare line feed', 'jeanne@example.org\nattacker@example.org'],
    ['a comma and a second address', 'jeanne@example.org,attacker@example.org'],
    ['a semicolon and a second address', 'jeanne@example.org;attacker@example.org'],
    ['two addresses separated by a space', 'jeanne@example.org attacker@example.org'],
    ['a quoted local part', '"attacker@example.org"@example.org'],
    ['a NUL byte', 'jeanne@example.org\u0000'],
    ['a tab', 'jeanne\t@example.org'],
    ['a comment', 'jeanne(eve)@example.org'],
    ['two at signs', 'jeanne@attacker@example.org'],
    ['no domain', 'jeanne@'],
    ['no top-level domain', 'jeanne@localhost'],
    ['an IP literal', 'jeanne@[127.0.0.1]'],
    ['nothing at all', ''],
    ['an address longer than 254 characters', `${'a'.repeat(60)}@${'b'.repeat(200)}.org`],
    ['a local part longer than 64 characters', `${'a'.repeat(65)}@example.org`],
  ])('refuses %s', (_what, input) => {
    const refusal = refusalOf(input);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'email_invalid', kind: 'invalid', details: { field: 'email' } });
  });

  it('answers undefined instead of throwing where a lookup only needs to find nothing', () => {
    expect(parseEmail('Eve <attacker@example.org>')).toBeUndefined();
    expect(parseEmail('Jeanne@Example.org')).toBe('Jeanne@example.org');
  });
});
