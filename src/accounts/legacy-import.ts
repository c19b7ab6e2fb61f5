// One batch of a commune's file into the accounts, inside the import's transaction. One address is one account:
// a line finds the account of its address (here, or made by an earlier line) or makes it; one (commune,
// legacy id) is one legacy_accounts row, so a line already imported changes nothing. Who may be merged into:
// - an account made by imports and never signed in here: it takes the line's hash too (any opens it);
// - an account used here whose address is verified: it takes the profile by the merge rule, not the hash
//   (the commune never proved that whoever set that old password owns this address, and the citizen has
//   a credential of ours already);
// - an account used here whose address is not verified: nobody proved it is the citizen's, so it takes
//   nothing (the line is refused with account_unverified_here) rather than hand the commune's data to it.
import { conflict } from '../errors.js';
import type { Queryable } from '../db/index.js';
import type { Locale } from '../locale.js';
import type { ImportRecord, Rejection } from './legacy-import-record.js';
import {
  findImportedLegacyIds,
  insertImportedAccounts,
  insertLegacyAccounts,
  lockImportTargets,
  updateImportedProfiles,
  type ImportTarget,
  type ImportedProfile,
  type NewLegacyAccount,
} from './legacy-import-repository.js';
import { emptyProfile, mergeRecord, type Conflict, type MergedProfile } from './legacy-merge.js';

/** A citizen this run reached for the first time: told once by mail. */
export interface ReachedCitizen {
  accountId: string;
  email: string;
  locale: Locale;
}

export interface BatchOutcome {
  /** Accounts made. */
  imported: number;
  /** Lines merged into an account that existed (here, or made by an earlier line). */
  merged: number;
  /** Lines whose (commune, legacy id) an earlier run imported. */
  unchanged: number;
  rejected: Rejection[];
  conflicts: Conflict[];
  reached: ReachedCitizen[];
}

const localeOf = (value: string): Locale => (value === 'en' ? 'en' : 'fr');

function profileOf(target: ImportTarget): MergedProfile {
  return { ...target, datedAt: target.updatedAt };
}

const written = (email: string, profile: MergedProfile): ImportedProfile => ({ ...profile, email, updatedAt: profile.datedAt });

/** Oldest first, so that the newest non-empty value of a batch is the one left. */
const byAge = (a: ImportRecord, b: ImportRecord) => a.createdAt.getTime() - b.createdAt.getTime() || a.line - b.line;

export async function importBatch(tx: Queryable, communeSlug: string, records: ImportRecord[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { imported: 0, merged: 0, unchanged: 0, rejected: [], conflicts: [], reached: [] };
  const known = await findImportedLegacyIds(
    tx,
    communeSlug,
    records.map((r) => r.legacyId),
  );
  const seen = new Set<string>();
  const groups = new Map<string, ImportRecord[]>();
  for (const record of records) {
    const earlier = known.get(record.legacyId);
    if (earlier === false) outcome.unchanged += 1;
    else if (earlier === true || seen.has(record.legacyId))
      outcome.rejected.push({ line: record.line, reason: 'legacy_id_repeated', field: 'legacy_id' });
    else {
      seen.add(record.legacyId);
      const key = record.email.toLowerCase();
      groups.set(key, [...(groups.get(key) ?? []), record]);
    }
  }
  const targets = new Map((await lockImportTargets(tx, communeSlug, [...groups.keys()])).map((t) => [t.emailKey, t]));
  const created: { key: string; profile: ImportedProfile; lines: ImportRecord[] }[] = [];
  const updated: (ImportedProfile & { id: string })[] = [];
  const legacy: NewLegacyAccount[] = [];
  for (const [key, lines] of groups) {
    lines.sort(byAge);
    const target = targets.get(key);
    if (target && !target.isImportedOnly && !target.emailVerified) {
      for (const line of lines) outcome.rejected.push({ line: line.line, reason: 'account_unverified_here', field: 'email' });
      continue;
    }
    let profile = target ? profileOf(target) : emptyProfile(lines[0] as ImportRecord);
    let isChanged = false;
    for (const line of lines) {
      const merge = mergeRecord(profile, line);
      profile = merge.profile;
      isChanged ||= merge.isChanged;
      outcome.conflicts.push(...merge.conflicts);
    }
    const email = target?.email ?? (lines[0] as ImportRecord).email;
    if (target) {
      outcome.merged += lines.length;
      if (isChanged) updated.push({ ...written(email, profile), id: target.id });
      if (!target.isReachedThisRun) outcome.reached.push({ accountId: target.id, email, locale: localeOf(target.locale) });
      for (const line of lines)
        legacy.push({
          legacyId: line.legacyId,
          accountId: target.id,
          legacyPasswordHash: target.isImportedOnly ? line.passwordHash : undefined,
        });
    } else {
      outcome.imported += 1;
      outcome.merged += lines.length - 1;
      created.push({ key, profile: written(email, profile), lines });
    }
  }
  const ids = await insertImportedAccounts(
    tx,
    created.map((c) => c.profile),
  );
  for (const { key, profile, lines } of created) {
    const id = ids.get(key);
    // An account made here for that address since the look-up (a sign-up): the whole import is run again.
    if (id === undefined)
      throw conflict('import_raced', 'an account was created for an address of the file during the import: run it again');
    outcome.reached.push({ accountId: id, email: profile.email, locale: localeOf(profile.locale) });
    for (const line of lines) legacy.push({ legacyId: line.legacyId, accountId: id, legacyPasswordHash: line.passwordHash });
  }
  await updateImportedProfiles(tx, updated);
  await insertLegacyAccounts(tx, communeSlug, legacy);
  return outcome;
}
