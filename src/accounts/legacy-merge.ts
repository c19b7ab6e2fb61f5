// The merge rule of imports (pure): how the profile of an account takes the lines of a commune's file that carry
// its address. An empty value never replaces anything; a value verified here (the phone number) is never
// replaced; otherwise a line's different value replaces the account's only when the line is newer
// (its created_at after the account's `datedAt`, the date of the newest source of its values). Each time two
// non-empty values differ, the report names the line, the field and which one was kept.
import type { PostalAddress } from './account-repository.js';
import type { ImportRecord } from './legacy-import-record.js';

export const MERGED_FIELDS = ['given_name', 'family_name', 'phone_number', 'address'] as const;
export type MergedField = (typeof MERGED_FIELDS)[number];

export interface Conflict {
  line: number;
  field: MergedField;
  /** `account`: the value the account held (here, or from an earlier line) stayed; `line`: this line's replaced it. */
  kept: 'account' | 'line';
}

/** The part of an account an import may change. */
export interface MergedProfile {
  emailVerified: boolean;
  givenName: string | undefined;
  familyName: string | undefined;
  phoneNumber: string | undefined;
  phoneNumberVerified: boolean;
  address: PostalAddress | undefined;
  locale: string;
  /** The date of the newest source of these values: the account's updated_at; the epoch for a new account. */
  datedAt: Date;
}

const KEYS = { given_name: 'givenName', family_name: 'familyName', phone_number: 'phoneNumber', address: 'address' } as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** An account with nothing yet, for the first line of an address unknown here. */
export function emptyProfile(record: Pick<ImportRecord, 'locale'>): MergedProfile {
  return {
    emailVerified: false,
    givenName: undefined,
    familyName: undefined,
    phoneNumber: undefined,
    phoneNumberVerified: false,
    address: undefined,
    locale: record.locale,
    datedAt: new Date(0),
  };
}

/** The profile after `record`, the conflicts it met, and whether anything changed. */
export function mergeRecord(
  profile: MergedProfile,
  record: ImportRecord,
): { profile: MergedProfile; conflicts: Conflict[]; isChanged: boolean } {
  const next: MergedProfile = { ...profile };
  const conflicts: Conflict[] = [];
  let isTaken = false;
  for (const field of MERGED_FIELDS) {
    const key = KEYS[field];
    const offered = record[key];
    const held = profile[key];
    if (offered === undefined || same(offered, held)) continue;
    if (held === undefined) {
      (next as unknown as Record<string, unknown>)[key] = offered;
      isTaken = true;
      continue;
    }
    const isLocked = field === 'phone_number' && profile.phoneNumberVerified;
    const isNewer = record.createdAt > profile.datedAt;
    if (!isLocked && isNewer) {
      (next as unknown as Record<string, unknown>)[key] = offered;
      isTaken = true;
    }
    conflicts.push({ line: record.line, field, kept: !isLocked && isNewer ? 'line' : 'account' });
  }
  // The commune's word that the address is the citizen's is kept; it never unverifies one verified here.
  if (record.emailVerified && !profile.emailVerified) {
    next.emailVerified = true;
    isTaken = true;
  }
  if (isTaken && record.createdAt > next.datedAt) next.datedAt = record.createdAt;
  return { profile: next, conflicts, isChanged: isTaken };
}
