// Recovery codes: the ten one-time codes a citizen keeps on paper to sign in when the authenticator app is
// lost. Ten characters of the readable alphabet each (about 49 bits, stored hashed and rate limited), shown
// as XXXXX-XXXXX so they can be copied without losing one's place.
import { newReadableCode } from './readable-code.js';

export { normaliseCode } from './readable-code.js';

/** How many codes one set holds: each is used once, so a set lasts ten lost-phone sign-ins. */
export const RECOVERY_CODE_COUNT = 10;
const GROUPS = [5, 5] as const;

/** A fresh set of distinct codes, formatted for display (`normaliseCode` gives the form to hash). */
export function newRecoveryCodes(): string[] {
  const codes = new Set<string>();
  // A repeat is vanishingly rare (31^10 codes), but two equal codes would be one code shown twice.
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(newReadableCode(GROUPS));
  return [...codes];
}
