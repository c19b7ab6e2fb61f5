// Account → standard OpenID Connect claims, grouped by the scope that releases them (pure).
import type { Account } from './account-repository.js';

export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  /** The commune site's own user id (imports): find-account adds it for a client of that commune only. */
  legacy_id: ['legacy_id'],
  /** FranceConnect's certified pivot identity as OIDC4IDA's verified_claims (certified-identity.ts); find-account adds it. */
  identite_pivot: ['verified_claims'],
} as const;

export type StandardClaims = Record<string, unknown> & { sub: string };

/** Every claim we hold for the account; the provider filters them by granted scopes and claims. */
export function claimsOf(account: Account): StandardClaims {
  const name = [account.givenName, account.familyName].filter(Boolean).join(' ');
  const claims: StandardClaims = {
    sub: account.id,
    email: account.email,
    email_verified: account.emailVerified,
    locale: account.locale,
    updated_at: Math.floor(account.updatedAt.getTime() / 1000),
  };
  if (name) claims.name = name;
  if (account.givenName) claims.given_name = account.givenName;
  if (account.familyName) claims.family_name = account.familyName;
  if (account.phoneNumber) {
    claims.phone_number = account.phoneNumber;
    claims.phone_number_verified = account.phoneNumberVerified;
  }
  if (account.address) claims.address = account.address;
  return claims;
}
