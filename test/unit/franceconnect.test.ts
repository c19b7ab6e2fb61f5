// FranceConnect's configuration (all three variables or none, https but towards this machine) and what a
// FranceConnect sign-in is worth (acr, amr), in one place each.
import { ACR_1FA, ACR_2FA, assuranceOf } from '../../src/accounts/index.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { thrownBy } from '../support/thrown.js';

const FULL = {
  FRANCECONNECT_ISSUER: 'https://oidc.franceconnect.gouv.fr/api/v2',
  FRANCECONNECT_CLIENT_ID: 'grandlyonconnect',
  FRANCECONNECT_CLIENT_SECRET: 'a-secret-of-sixteen-or-more',
};
const configErrorOf = (env: NodeJS.ProcessEnv) => thrownBy(ConfigError, () => loadConfig(env), `loadConfig(${JSON.stringify(env)})`);

describe('FRANCECONNECT_* variables', () => {
  it('leave FranceConnect off when none is set', () => {
    expect(loadConfig({}).franceConnect).toBeUndefined();
  });

  it('configure it when all three are set, the issuer kept as FranceConnect publishes it', () => {
    expect(loadConfig(FULL).franceConnect).toEqual({
      issuer: 'https://oidc.franceconnect.gouv.fr/api/v2',
      clientId: 'grandlyonconnect',
      clientSecret: 'a-secret-of-sixteen-or-more',
    });
  });

  it.each(['FRANCECONNECT_ISSUER', 'FRANCECONNECT_CLIENT_ID', 'FRANCECONNECT_CLIENT_SECRET'] as const)(
    'refuse a configuration without %s, naming it',
    (missing) => {
      expect(configErrorOf({ ...FULL, [missing]: '' }).variable).toBe(missing);
    },
  );

  it('refuse a plain http issuer except towards this machine', () => {
    expect(configErrorOf({ ...FULL, FRANCECONNECT_ISSUER: 'http://fc.example.org' }).variable).toBe('FRANCECONNECT_ISSUER');
    expect(loadConfig({ ...FULL, FRANCECONNECT_ISSUER: 'http://127.0.0.1:4000' }).franceConnect?.issuer).toBe('http://127.0.0.1:4000');
    expect(loadConfig({ ...FULL, FRANCECONNECT_ISSUER: 'http://localhost:4000' }).franceConnect?.issuer).toBe('http://localhost:4000');
  });

  it('refuse an issuer with credentials or a query, and a short secret', () => {
    expect(configErrorOf({ ...FULL, FRANCECONNECT_ISSUER: 'https://user:pw@fc.example.org' }).variable).toBe('FRANCECONNECT_ISSUER');
    expect(configErrorOf({ ...FULL, FRANCECONNECT_ISSUER: 'https://fc.example.org/?x=1' }).variable).toBe('FRANCECONNECT_ISSUER');
    expect(configErrorOf({ ...FULL, FRANCECONNECT_CLIENT_SECRET: 'short' }).variable).toBe('FRANCECONNECT_CLIENT_SECRET');
  });
});

describe('a FranceConnect sign-in’s assurance', () => {
  it('is one factor at eidas1, with our amr value fc', () => {
    expect(assuranceOf([{ franceconnect: { eidas: 1 } }])).toEqual({ acr: ACR_1FA, amr: ['fc'] });
  });

  it('stays one factor with a password (two of the known kind)', () => {
    expect(assuranceOf(['password', { franceconnect: { eidas: 1 } }])).toEqual({ acr: ACR_1FA, amr: ['pwd', 'fc'] });
  });

  it('is two factors with a code of an authenticator app, and at eidas2 or eidas3 alone', () => {
    expect(assuranceOf([{ franceconnect: { eidas: 1 } }, 'totp'])).toEqual({ acr: ACR_2FA, amr: ['fc', 'otp', 'mfa'] });
    expect(assuranceOf([{ franceconnect: { eidas: 2 } }]).acr).toBe(ACR_2FA);
    expect(assuranceOf([{ franceconnect: { eidas: 3 } }]).acr).toBe(ACR_2FA);
  });
});
