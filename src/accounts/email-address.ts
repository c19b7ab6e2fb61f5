// The one rule for an email address, at every door that takes one (registration, email change, password
// reset, glc account add, the operators' API, imports): a bare address and nothing else. A display name
// ("Eve <attacker@example.org>"), a second address or a line break would be read by the mailer as
// another recipient or another header, so the mail meant for the account would go elsewhere.
import isEmailModule from 'validator/lib/isEmail.js';
import { invalid } from '../errors.js';

// A CommonJS module: its function is the default export's `default` under Node's ESM loader.
const isEmail = isEmailModule.default;

/** RFC 5321: 254 characters in a path, 64 in the local part (validator checks the parts). */
const MAX_LENGTH = 254;
// Quotes, brackets, commas and their kin are legal in a quoted local part, and exactly what turns one
// address into a display name or a list; no citizen needs them.
// The validator puts this string inside a regular-expression class: backslash and brackets are escaped.
const NEVER_IN_A_LOCAL_PART = '"<>(),;:\\\\\\[\\] ';

/**
 * The address as stored: NFC (one spelling of é), trimmed, the domain lower-cased (domains are
 * case-insensitive; local parts are the receiving server's business, so they are kept as typed).
 * Lookups and the unique index compare lower(email), so Jeanne@ and jeanne@ stay one citizen.
 * Undefined when the input is not a bare address.
 */
export function parseEmail(input: string): string | undefined {
  if (typeof input !== 'string') return undefined;
  const candidate = input.normalize('NFC').trim();
  // Any control character (CR, LF, NUL, tab…) is refused before the validator sees it.
  if (candidate.length === 0 || candidate.length > MAX_LENGTH || /\p{Cc}/u.test(candidate)) return undefined;
  const isBare = isEmail(candidate, {
    allow_display_name: false,
    require_display_name: false,
    allow_ip_domain: false,
    require_tld: true,
    allow_utf8_local_part: true,
    blacklisted_chars: NEVER_IN_A_LOCAL_PART,
    ignore_max_length: false,
  });
  if (!isBare) return undefined;
  const at = candidate.lastIndexOf('@');
  return `${candidate.slice(0, at)}@${candidate.slice(at + 1).toLowerCase()}`;
}

/** Like parseEmail, for the doors that refuse: an `email_invalid` refusal naming the field. */
export function normaliseEmail(input: string): string {
  const email = parseEmail(input);
  if (email === undefined) throw invalid('email_invalid', 'not a bare email address', { field: 'email' });
  return email;
}
