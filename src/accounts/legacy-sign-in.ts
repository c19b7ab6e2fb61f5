// An imported account's first sign-in: when our own hash does not open it (or it has none), any hash the
// communes' sites had for it may; the one that does is then replaced, with all the others, by our argon2id
// hash of the same password, in the transaction that records the sign-in. From then on only ours opens it.
import type { Queryable } from '../db/index.js';
import { listLegacyPasswordHashes, takeLegacyPasswordHashes } from './legacy-account-repository.js';
import { verifyLegacyHash } from './legacy-hashes.js';
import type { Passwords } from './passwords.js';

/**
 * The legacy hash of the account that `password` matches, tried in import order; undefined when none
 * does. Each verification takes a place in the hashing queue: its cost is the legacy site's to choose,
 * within legacy-hashes.ts' bounds, and a flood of them must not run all at once.
 */
export async function matchingLegacyHash(
  db: Queryable,
  passwords: Pick<Passwords, 'queued'>,
  accountId: string,
  password: string,
  maxPasswordBytes: number,
): Promise<string | undefined> {
  if (Buffer.byteLength(password, 'utf8') > maxPasswordBytes) return undefined;
  for (const hash of await listLegacyPasswordHashes(db, accountId)) {
    if (await passwords.queued(() => verifyLegacyHash(hash, password))) return hash;
  }
  return undefined;
}

/**
 * Clears every legacy hash of the account within `tx`; answers false when `matched` (the hash that opened
 * it) was no longer there to clear: a sign-in at the same moment with another legacy password already made
 * its password the account's, and this one opens nothing any more.
 */
export async function retireLegacyHashes(tx: Queryable, accountId: string, matched: string | undefined): Promise<boolean> {
  const cleared = await takeLegacyPasswordHashes(tx, accountId);
  return matched === undefined || cleared.includes(matched);
}
