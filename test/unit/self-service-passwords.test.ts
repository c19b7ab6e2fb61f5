// The password policy with the list of common and breached passwords shipped with the project.
import { loadCommonPasswords } from '../../src/accounts/common-passwords.js';
import { checkPasswordPolicy } from '../../src/accounts/passwords.js';
import { loadConfig } from '../../src/config.js';

const POLICY = { minLength: 12, maxLength: 128, maxBytes: 4096 };
const EMAIL = 'jeanne.dupont@example.org';
const common = loadCommonPasswords(loadConfig({}).frenchCommonPasswords);
const check = (password: string, email = EMAIL) => checkPasswordPolicy(password, email, POLICY, common);
const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('checkPasswordPolicy with the shipped list', () => {
  it('refuses a password of the French supplement', () => {
    expect(check('motdepasse123')).toBe('password_common');
    expect(check('grandlyon2026')).toBe('password_common');
  });

  it('refuses a password of the breached-password dictionary', () => {
    expect(check('qwertyuiop123')).toBe('password_common');
    expect(check('passwordpassword')).toBe('password_common');
  });

  it('refuses them whatever the case or the keyboard width', () => {
    expect(check('QwertyUIOP123')).toBe('password_common');
    expect(check(fullWidth('motdepasse123'))).toBe('password_common');
  });

  it('accepts a passphrase that is on no list', () => {
    expect(check('la Saône coule sous le pont Bonaparte')).toBeUndefined();
  });

  it('accepts every Unicode character and no composition rule', () => {
    expect(check('mot de passe très long ✓ 日本')).toBeUndefined();
    expect(check('toutes les lettres en minuscules')).toBeUndefined();
  });

  it('accepts 64 characters and more', () => {
    expect(check('une phrase '.repeat(6).slice(0, 64))).toBeUndefined();
    expect(check('x'.repeat(100))).toBeUndefined();
  });

  it('refuses the part of the email before the @ as well as the whole address', () => {
    expect(check('jeanne.dupont.69@example.org', 'jeanne.dupont.69@example.org')).toBe('password_equals_email');
    expect(check('jeanne.dupont.69', 'jeanne.dupont.69@example.org')).toBe('password_equals_email');
  });

  it('says "too short" before "common" for a short common password', () => {
    expect(check('azerty')).toBe('password_too_short');
  });
});
