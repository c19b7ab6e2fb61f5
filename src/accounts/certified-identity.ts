// What FranceConnect certifies about a citizen, as we show and release it (pure). The pivot identity is read from
// the link (federated_identities.identity, as last received), never from the editable profile. A site receives it
// as one OpenID Connect for Identity Assurance `verified_claims` object, under the sensitive scope identite_pivot:
// `verification` says who vouched (trust framework eIDAS, FranceConnect's level, when it was last received) and
// `claims` holds the pivot claims with FranceConnect's own names and values. Nested in it, they never collide
// with the profile's given_name and family_name. While linked, those two profile fields are FranceConnect's.
import type { FederatedIdentity } from './federated-identity-repository.js';

/** The scope that releases the certified identity; sensitive: it waits for the Métropole's approval. */
export const CERTIFIED_IDENTITY_SCOPE = 'identite_pivot';

/** The one claim of that scope. */
export const VERIFIED_CLAIMS = 'verified_claims';

/**
 * FranceConnect's pivot claims, as it names them: given_name (every first name, space-separated), family_name (the
 * birth name), preferred_username (the usage name, when there is one), birthdate (YYYY-MM-DD), gender (female,
 * male), birthplace (the INSEE code of the commune of birth, empty abroad) and birthcountry (its INSEE code, 99100
 * for France).
 */
export const PIVOT_FIELDS = [
  'given_name',
  'family_name',
  'preferred_username',
  'birthdate',
  'gender',
  'birthplace',
  'birthcountry',
] as const;
export type PivotField = (typeof PIVOT_FIELDS)[number];

export type PivotIdentity = Partial<Record<PivotField, string>>;

/** What discovery says of it (OpenID Connect for Identity Assurance's metadata). */
export const CERTIFIED_IDENTITY_METADATA = {
  verified_claims_supported: true,
  trust_frameworks_supported: ['eidas'],
  claims_in_verified_claims_supported: [...PIVOT_FIELDS],
} as const;

/** eIDAS's levels as OIDC4IDA's assurance_level names them; FranceConnect gives eidas1, FranceConnect+ the others. */
const ASSURANCE_LEVELS: Readonly<Record<string, string>> = { eidas1: 'low', eidas2: 'substantial', eidas3: 'high' };

/** The pivot fields of a link's identity that hold a non-empty string (anything else was not FranceConnect's answer). */
export function pivotIdentityOf(identity: Record<string, unknown>): PivotIdentity {
  const pivot: PivotIdentity = {};
  for (const field of PIVOT_FIELDS) {
    const value = identity[field];
    if (typeof value === 'string' && value.length > 0) pivot[field] = value;
  }
  return pivot;
}

export interface VerifiedClaims {
  verification: { trust_framework: 'eidas'; assurance_level: string; verification_process: 'franceconnect'; time: string };
  claims: PivotIdentity;
}

/** The `verified_claims` released to a site; undefined when the link holds no pivot claim at all. */
export function verifiedClaimsOf(link: Pick<FederatedIdentity, 'identity' | 'acr' | 'lastUsedAt'>): VerifiedClaims | undefined {
  const claims = pivotIdentityOf(link.identity);
  if (Object.keys(claims).length === 0) return undefined;
  return {
    verification: {
      trust_framework: 'eidas',
      assurance_level: ASSURANCE_LEVELS[link.acr ?? 'eidas1'] ?? 'low',
      verification_process: 'franceconnect',
      // The identity is the one of the latest FranceConnect sign-in: that is when it was last vouched for.
      time: link.lastUsedAt.toISOString(),
    },
    claims,
  };
}

/**
 * The profile fields FranceConnect certifies while the account is linked: given and family names, as
 * FranceConnect gives them (the birth name). The form shows them read-only; a save writes them so that the
 * profile scope says the same, and a different value posted is refused on its field.
 */
export interface CertifiedNames {
  givenName?: string;
  familyName?: string;
}

export function certifiedNamesOf(link: Pick<FederatedIdentity, 'identity'> | undefined): CertifiedNames {
  if (!link) return {};
  const pivot = pivotIdentityOf(link.identity);
  const names: CertifiedNames = {};
  if (pivot.given_name) names.givenName = pivot.given_name;
  if (pivot.family_name) names.familyName = pivot.family_name;
  return names;
}
