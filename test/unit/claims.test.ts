import type { Account } from '../../src/accounts/index.js';
import { claimsOf } from '../../src/accounts/claims.js';

function anAccountRecord(overrides: Partial<Account> = {}): Account {
  return {
    id: '5b0c3c1e-8d7a-4c53-9d0e-2f4b6a1c9e11',
    email: 'jeanne.dupont@example.org',
    emailVerified: true,
    givenName: 'Jeanne',
    familyName: 'Dupont',
    phoneNumber: undefined,
    phoneNumberVerified: false,
    address: undefined,
    locale: 'fr',
    communeSlug: undefined,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-03-04T05:06:07.890Z'),
    lastLoginAt: undefined,
    lockedAt: undefined,
    ...overrides,
  };
}

describe('claimsOf', () => {
  it('gives the account id as sub and the standard profile and email claims', () => {
    expect(claimsOf(anAccountRecord())).toEqual({
      sub: '5b0c3c1e-8d7a-4c53-9d0e-2f4b6a1c9e11',
      email: 'jeanne.dupont@example.org',
      email_verified: true,
      name: 'Jeanne Dupont',
      given_name: 'Jeanne',
      family_name: 'Dupont',
      locale: 'fr',
      updated_at: Date.UTC(2026, 2, 4, 5, 6, 7) / 1000,
    });
  });

  it('builds name from whichever name parts exist', () => {
    const claims = claimsOf(anAccountRecord({ givenName: undefined }));
    expect(claims.name).toBe('Dupont');
    expect(claims).not.toHaveProperty('given_name');
  });

  it('leaves out name claims the citizen never gave', () => {
    const claims = claimsOf(anAccountRecord({ givenName: undefined, familyName: undefined }));
    expect(claims).not.toHaveProperty('name');
    expect(claims).not.toHaveProperty('given_name');
    expect(claims).not.toHaveProperty('family_name');
  });

  it('reports an unverified email as such', () => {
    expect(claimsOf(anAccountRecord({ emailVerified: false })).email_verified).toBe(false);
  });

  it('releases phone claims only when a phone number is known', () => {
    expect(claimsOf(anAccountRecord())).not.toHaveProperty('phone_number');
    const claims = claimsOf(anAccountRecord({ phoneNumber: '+33472000000', phoneNumberVerified: true }));
    expect(claims.phone_number).toBe('+33472000000');
    expect(claims.phone_number_verified).toBe(true);
  });

  it('releases the postal address only when known', () => {
    expect(claimsOf(anAccountRecord())).not.toHaveProperty('address');
    const address = { street_address: '20 rue du Lac', postal_code: '69003', locality: 'Lyon', country: 'FR' };
    expect(claimsOf(anAccountRecord({ address })).address).toEqual(address);
  });
});
