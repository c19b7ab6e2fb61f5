// What we keep of FranceConnect's answer (pure): the identity pivot's claims as strings of a sane length, its email,
// and the level it vouched for. FranceConnect's levels are eIDAS's: eidas1 ("faible") is what FranceConnect gives,
// eidas2 and eidas3 come from FranceConnect+; anything else is not FranceConnect's answer and is refused.
import type { Proof } from '../accounts/index.js';

export const PIVOT_CLAIMS = [
  'given_name',
  'family_name',
  'birthdate',
  'gender',
  'birthplace',
  'birthcountry',
  'email',
  'preferred_username',
] as const;

const EIDAS_LEVELS: ReadonlyMap<string, 1 | 2 | 3> = new Map([
  ['eidas1', 1],
  ['eidas2', 2],
  ['eidas3', 3],
]);

/** The eIDAS level of an acr, undefined for one FranceConnect does not send. */
export function eidasLevelOf(acr: string): 1 | 2 | 3 | undefined {
  return EIDAS_LEVELS.get(acr);
}

/** The proof a FranceConnect sign-in at this acr makes (accounts/factors/assurance.ts says what it is worth). */
export function franceConnectProof(acr: string): Proof {
  return { franceconnect: { eidas: eidasLevelOf(acr) ?? 1 } };
}

/** The pivot claims and email_verified, as received; other claims are not kept. */
export function pivotIdentityOf(claims: Record<string, unknown>): Record<string, unknown> {
  const identity: Record<string, unknown> = {};
  for (const name of PIVOT_CLAIMS) {
    const value = claims[name];
    if (typeof value === 'string' && value.length > 0 && value.length <= 255) identity[name] = value;
  }
  if (typeof claims.email_verified === 'boolean') identity.email_verified = claims.email_verified;
  return identity;
}

export const stringClaim = (identity: Record<string, unknown>, name: string): string | undefined => {
  const value = identity[name];
  return typeof value === 'string' ? value : undefined;
};
