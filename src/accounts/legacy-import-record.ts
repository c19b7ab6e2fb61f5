// One line of a commune's export, as the import takes it or refuses it (pure): a bare email address, a date of
// creation in the past, the commune site's own user id and a password hash of a format we can verify. A line
// failing any of these is refused whole with the reason and the field, and the rest of the file goes in.
import type { Locale } from '../locale.js';
import type { PostalAddress } from './account-repository.js';
import { parseEmail } from './email-address.js';

/** A line taken: every value trimmed, an empty one undefined. */
export interface ImportRecord {
  line: number;
  /** As stored (parseEmail): accounts are matched on its lower case. */
  email: string;
  /** Only when the file says so: the commune's word that the address is the citizen's. */
  emailVerified: boolean;
  givenName: string | undefined;
  familyName: string | undefined;
  phoneNumber: string | undefined;
  address: PostalAddress | undefined;
  locale: Locale;
  createdAt: Date;
  legacyId: string;
  /** Kept as it is (its format is one legacyHashFormat knows); verified at the citizen's first sign-in. */
  passwordHash: string;
}

export type RejectionReason =
  | 'line_unreadable'
  | 'field_missing'
  | 'field_invalid'
  | 'email_invalid'
  | 'hash_format_unknown'
  | 'legacy_id_repeated'
  | 'account_unverified_here';

export interface Rejection {
  line: number;
  reason: RejectionReason;
  field?: string | undefined;
}

/** The bounds of the accounts and legacy_accounts tables' checks, so that a line never fails in SQL. */
const MAX_LENGTH = { given_name: 200, family_name: 200, phone_number: 40, legacy_id: 200, password_hash: 1000, address: 200 } as const;
const PHONE = /^\+?[0-9 ().-]{3,40}$/;
const VERIFIED = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
  ['', false],
  [undefined, false],
  [null, false],
]);

type Fields = Record<string, unknown>;

class Refused extends Error {
  constructor(
    readonly reason: RejectionReason,
    readonly field: string,
  ) {
    super(`${reason}: ${field}`);
  }
}

/** A text value trimmed, undefined when empty; a number is read as its digits (a CSV-less JSON id). */
function text(fields: Fields, name: string, maxLength = 1000): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new Refused('field_invalid', name);
  const trimmed = String(value).normalize('NFC').trim();
  // A control character in a name or an id would reach pages and mails: refused like an overlong value.
  if (trimmed.length > maxLength || /\p{Cc}/u.test(trimmed)) throw new Refused('field_invalid', name);
  return trimmed === '' ? undefined : trimmed;
}

function present(fields: Fields, name: string, maxLength?: number): string {
  const value = text(fields, name, maxLength);
  if (value === undefined) throw new Refused('field_missing', name);
  return value;
}

/** JSON lines may nest the address; CSV has its three columns side by side. */
function addressOf(fields: Fields): PostalAddress | undefined {
  const nested = fields.address;
  if (nested !== undefined && nested !== null && (typeof nested !== 'object' || Array.isArray(nested)))
    throw new Refused('field_invalid', 'address');
  const source = (nested ?? fields) as Fields;
  const address: PostalAddress = {};
  for (const part of ['street_address', 'postal_code', 'locality'] as const) {
    const value = text(source, part, MAX_LENGTH.address);
    if (value !== undefined) address[part] = value;
  }
  return Object.keys(address).length ? address : undefined;
}

function createdAtOf(fields: Fields, now: Date): Date {
  const value = present(fields, 'created_at');
  const at = new Date(value);
  if (Number.isNaN(at.getTime()) || at > now) throw new Refused('field_invalid', 'created_at');
  return at;
}

function localeOf(fields: Fields): Locale {
  const value = text(fields, 'locale')?.toLowerCase();
  if (value === undefined || /^fr([-_]|$)/.test(value)) return 'fr';
  if (/^en([-_]|$)/.test(value)) return 'en';
  throw new Refused('field_invalid', 'locale');
}

/** Names the format of a legacy hash, undefined for one no verifier knows (legacy-hashes.ts's legacyHashFormat). */
export type HashFormatOf = (hash: string) => string | undefined;

/** The line as the import takes it, or why it is refused (the first fault found, in the order of the fields). */
export function readImportRecord(line: number, fields: Fields, now: Date, hashFormatOf: HashFormatOf): ImportRecord | Rejection {
  try {
    const rawEmail = present(fields, 'email', 254);
    const email = parseEmail(rawEmail);
    if (email === undefined) return { line, reason: 'email_invalid', field: 'email' };
    const emailVerified = VERIFIED.get(
      typeof fields.email_verified === 'string' ? fields.email_verified.trim().toLowerCase() : fields.email_verified,
    );
    if (emailVerified === undefined) return { line, reason: 'field_invalid', field: 'email_verified' };
    const phoneNumber = text(fields, 'phone_number', MAX_LENGTH.phone_number);
    if (phoneNumber !== undefined && !PHONE.test(phoneNumber)) return { line, reason: 'field_invalid', field: 'phone_number' };
    const record = {
      line,
      email,
      emailVerified,
      givenName: text(fields, 'given_name', MAX_LENGTH.given_name),
      familyName: text(fields, 'family_name', MAX_LENGTH.family_name),
      phoneNumber,
      address: addressOf(fields),
      locale: localeOf(fields),
      createdAt: createdAtOf(fields, now),
      legacyId: present(fields, 'legacy_id', MAX_LENGTH.legacy_id),
      passwordHash: present(fields, 'password_hash', MAX_LENGTH.password_hash),
    };
    if (hashFormatOf(record.passwordHash) === undefined) return { line, reason: 'hash_format_unknown', field: 'password_hash' };
    return record;
  } catch (error) {
    if (error instanceof Refused) return { line, reason: error.reason, field: error.field };
    throw error;
  }
}

export const isRejection = (read: ImportRecord | Rejection): read is Rejection => 'reason' in read;
