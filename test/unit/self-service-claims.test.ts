// The sharing journal's record of a release: which claim names a site receives, per channel (pure).
import { releasedClaims } from '../../src/oidc/find-account.js';

const AVAILABLE = {
  sub: 'c0ffee00-0000-4000-8000-000000000000',
  email: 'jeanne@example.org',
  email_verified: true,
  name: 'Jeanne Dupont',
  given_name: 'Jeanne',
  family_name: 'Dupont',
  locale: 'fr',
  updated_at: 1_700_000_000,
};

describe('releasedClaims', () => {
  it('names only sub for an ID token: the scope claims go to userinfo', () => {
    expect(releasedClaims('id_token', 'openid profile email', undefined, [], AVAILABLE)).toEqual(['sub']);
  });

  it('names the claims of every granted scope for userinfo, sorted', () => {
    expect(releasedClaims('userinfo', 'openid profile email', undefined, [], AVAILABLE)).toEqual([
      'email',
      'email_verified',
      'family_name',
      'given_name',
      'locale',
      'name',
      'sub',
      'updated_at',
    ]);
    expect(releasedClaims('userinfo', 'openid email', undefined, [], AVAILABLE)).toEqual(['email', 'email_verified', 'sub']);
  });

  it('adds the claims the site asked for with the claims parameter, on either channel', () => {
    expect(releasedClaims('id_token', 'openid', { email: null, given_name: { essential: true } }, [], AVAILABLE)).toEqual([
      'email',
      'given_name',
      'sub',
    ]);
    expect(releasedClaims('userinfo', 'openid', { family_name: null }, [], AVAILABLE)).toEqual(['family_name', 'sub']);
  });

  it('leaves out the claims the citizen refused and those the account does not have', () => {
    expect(releasedClaims('userinfo', 'openid email phone address', undefined, ['email_verified'], AVAILABLE)).toEqual(['email', 'sub']);
  });

  it('ignores scopes it does not know', () => {
    expect(releasedClaims('userinfo', 'openid admin:everything', undefined, [], AVAILABLE)).toEqual(['sub']);
  });

  it('answers names, never values', () => {
    const names = releasedClaims('userinfo', 'openid profile email', { address: null }, [], {
      ...AVAILABLE,
      address: { locality: 'Lyon' },
    });
    for (const value of ['jeanne@example.org', 'Jeanne', 'Dupont', 'Lyon', AVAILABLE.sub]) expect(names).not.toContain(value);
    expect(names).toContain('address');
  });
});
