// The one alphabet and the one picking rule of every code a person reads, copies or says aloud (recovery
// codes, the code an agent hands over at a counter): no 0/O, 1/I/L, which are misread on paper and over
// the phone, and uniform crypto randomness, so every character carries its full share of entropy.
import { randomInt } from 'node:crypto';

/** Uppercase letters and digits without 0 O 1 I L: 31 characters, about 4.95 bits each. */
export const READABLE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * A code made of groups of the given lengths joined by dashes (`[5, 5]` → `XXXXX-XXXXX`).
 * randomInt draws without modulo bias, which `bytes[i] % 31` would introduce.
 */
export function newReadableCode(groupLengths: readonly number[]): string {
  return groupLengths
    .map((length) => Array.from({ length }, () => READABLE_ALPHABET.charAt(randomInt(READABLE_ALPHABET.length))).join(''))
    .join('-');
}

/**
 * The form a typed code is compared (and hashed) in: upper case, without spaces or dashes. Nothing else is
 * mapped (a typed `O` stays `O` and matches nothing): the shown codes never hold an ambiguous character,
 * so guessing what a person meant would only widen what an attacker's guess matches.
 */
export function normaliseCode(input: string): string {
  return input.replace(/[\s\p{Pd}]/gu, '').toUpperCase();
}
