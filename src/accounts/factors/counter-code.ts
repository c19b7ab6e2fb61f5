// The code an agent hands over at a town hall counter to a citizen who lost every factor, once the agent has
// checked an identity document: three groups of four readable characters (about 59 bits), XXXX-XXXX-XXXX,
// short enough to read aloud and type, from the same alphabet and the same normalisation as recovery codes.
import { newReadableCode } from './readable-code.js';

export { normaliseCode } from './readable-code.js';

const GROUPS = [4, 4, 4] as const;

/** A fresh counter code, formatted for display (`normaliseCode` gives the form to hash). */
export function newCounterCode(): string {
  return newReadableCode(GROUPS);
}
