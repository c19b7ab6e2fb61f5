import { certifiedNamesOf, pivotIdentityOf, verifiedClaimsOf } from '../../src/accounts/certified-identity.js';

const LAST_USED = new Date('2026-11-02T09:30:00Z');

describe('the certified identity', () => {
  it('keeps the pivot fields that are non-empty strings, and nothing else of the link’s identity', () => {
    expect(
      pivotIdentityOf({
        given_name: 'Angela Claire Louise',
        family_name: 'DUBOIS',
        birthplace: '',
        birthdate: 19620824,
        gender: 'female',
        email: 'angela@example.org',
        email_verified: true,
      }),
    ).toEqual({ given_name: 'Angela Claire Louise', family_name: 'DUBOIS', gender: 'female' });
  });

  it('releases verified_claims under eIDAS with FranceConnect’s level and when the identity was last received', () => {
    const verified = verifiedClaimsOf({ identity: { given_name: 'Angela', birthcountry: '99100' }, acr: 'eidas2', lastUsedAt: LAST_USED });
    expect(verified).toEqual({
      verification: {
        trust_framework: 'eidas',
        assurance_level: 'substantial',
        verification_process: 'franceconnect',
        time: '2026-11-02T09:30:00.000Z',
      },
      claims: { given_name: 'Angela', birthcountry: '99100' },
    });
    expect(
      verifiedClaimsOf({ identity: { given_name: 'Angela' }, acr: undefined, lastUsedAt: LAST_USED })?.verification.assurance_level,
    ).toBe('low');
  });

  it('releases nothing for a link whose identity holds no pivot claim', () => {
    expect(verifiedClaimsOf({ identity: { email: 'angela@example.org' }, acr: 'eidas1', lastUsedAt: LAST_USED })).toBeUndefined();
  });

  it('locks the profile names FranceConnect gives, and none without a link', () => {
    expect(certifiedNamesOf({ identity: { given_name: 'Angela', family_name: 'DUBOIS' } })).toEqual({
      givenName: 'Angela',
      familyName: 'DUBOIS',
    });
    expect(certifiedNamesOf({ identity: { given_name: 'Angela' } })).toEqual({ givenName: 'Angela' });
    expect(certifiedNamesOf(undefined)).toEqual({});
  });
});
