import { AppError } from '../../src/errors.js';
import { buildClientMetadata, needsSectorIdentifier, type ClientRequest } from '../../src/registry/client-metadata.js';
import { thrownBy } from '../support/thrown.js';

const SITE: ClientRequest = { name: 'lyon.fr', redirectUris: ['https://www.lyon.fr/callback'] };

const refusalOf = (request: ClientRequest) =>
  thrownBy(AppError, () => buildClientMetadata(request), `buildClientMetadata(${JSON.stringify(request)})`);

describe('buildClientMetadata', () => {
  it('defaults to a confidential code-flow client with pairwise subjects', () => {
    expect(buildClientMetadata(SITE)).toEqual({
      client_name: 'lyon.fr',
      redirect_uris: ['https://www.lyon.fr/callback'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile email',
      subject_type: 'pairwise',
      application_type: 'web',
    });
  });

  it('makes a public client authenticate with none', () => {
    expect(buildClientMetadata({ ...SITE, isPublic: true }).token_endpoint_auth_method).toBe('none');
  });

  it('lets a client opt out of pairwise subjects', () => {
    expect(buildClientMetadata({ ...SITE, subjectType: 'public' }).subject_type).toBe('public');
    expect(refusalOf({ ...SITE, subjectType: 'sector' }).code).toBe('subject_type_invalid');
  });

  it('removes duplicate grant types and scopes', () => {
    const metadata = buildClientMetadata({
      ...SITE,
      grantTypes: ['authorization_code', 'authorization_code'],
      scope: 'openid  email openid',
    });
    expect(metadata.grant_types).toEqual(['authorization_code']);
    expect(metadata.scope).toBe('openid email');
  });

  it('registers a machine client without redirect URIs or response types', () => {
    const metadata = buildClientMetadata({ name: 'batch', grantTypes: ['client_credentials'] });
    expect(metadata.redirect_uris).toEqual([]);
    expect(metadata.response_types).toEqual([]);
  });

  it.each(['http://localhost:8080/cb', 'http://127.0.0.1/cb', 'http://[::1]:3000/cb', 'http://rp.localhost/cb'])(
    'accepts http on loopback (%s)',
    (uri) => {
      expect(buildClientMetadata({ ...SITE, redirectUris: [uri] }).redirect_uris).toEqual([uri]);
    },
  );

  it('keeps a back-channel logout URI and asks for the session id with it', () => {
    const metadata = buildClientMetadata({ ...SITE, backchannelLogoutUri: 'https://www.lyon.fr/logout' });
    expect(metadata.backchannel_logout_uri).toBe('https://www.lyon.fr/logout');
    expect(metadata.backchannel_logout_session_required).toBe(true);
  });

  it.each([
    ['http off loopback', 'http://www.lyon.fr/callback', 'uri_not_https'],
    ['another scheme', 'javascript:alert(1)', 'uri_not_https'],
    ['a fragment', 'https://www.lyon.fr/callback#done', 'uri_fragment'],
    ['an empty fragment', 'https://www.lyon.fr/callback#', 'uri_fragment'],
    ['a wildcard host', 'https://*.lyon.fr/callback', 'uri_wildcard'],
    ['a wildcard path', 'https://www.lyon.fr/*', 'uri_wildcard'],
    ['credentials', 'https://user:pw@www.lyon.fr/callback', 'uri_invalid'],
    ['a relative URI', '/callback', 'uri_invalid'],
  ])('refuses a redirect URI with %s', (_case, uri, code) => {
    const error = refusalOf({ ...SITE, redirectUris: [uri] });
    expect(error.kind).toBe('invalid');
    expect(error.code).toBe(code);
    expect(error.details.field).toBe('redirect_uri');
  });

  it('applies the same rules to post-logout and back-channel logout URIs', () => {
    expect(refusalOf({ ...SITE, postLogoutRedirectUris: ['http://www.lyon.fr/bye'] }).code).toBe('uri_not_https');
    expect(refusalOf({ ...SITE, backchannelLogoutUri: 'https://www.lyon.fr/logout#x' }).code).toBe('uri_fragment');
  });

  it('refuses an unknown grant type', () => {
    const error = refusalOf({ ...SITE, grantTypes: ['password'] });
    expect(error.code).toBe('grant_type_invalid');
    expect(error.details.field).toBe('grant_types');
  });

  it('refuses an unknown scope', () => {
    const error = refusalOf({ ...SITE, scope: 'openid admin' });
    expect(error.code).toBe('scope_invalid');
    expect(error.details.field).toBe('scope');
  });

  it('refuses client_credentials for a public client', () => {
    expect(refusalOf({ ...SITE, isPublic: true, grantTypes: ['client_credentials'] }).code).toBe('grant_type_invalid');
  });

  it('refuses the code flow without a redirect URI', () => {
    expect(refusalOf({ name: 'lyon.fr' }).code).toBe('redirect_uri_missing');
    expect(refusalOf({ name: 'lyon.fr', redirectUris: [] }).code).toBe('redirect_uri_missing');
  });

  it('refuses an empty or overlong name', () => {
    expect(refusalOf({ ...SITE, name: '   ' }).code).toBe('client_name_invalid');
    expect(refusalOf({ ...SITE, name: 'x'.repeat(201) }).code).toBe('client_name_invalid');
  });
});

describe('pairwise clients and redirect hosts', () => {
  it('accepts a pairwise client whose redirect URIs span several hosts, and marks it as needing a sector', () => {
    const metadata = buildClientMetadata({ name: 'lyon.fr', redirectUris: ['https://www.lyon.fr/cb', 'https://lyon.fr/cb'] });
    expect(metadata.subject_type).toBe('pairwise');
    expect(needsSectorIdentifier(metadata)).toBe(true);
  });

  it('needs no sector for one host or for public subjects', () => {
    expect(needsSectorIdentifier(buildClientMetadata({ name: 'a', redirectUris: ['https://lyon.fr/a', 'https://lyon.fr/b'] }))).toBe(false);
    expect(
      needsSectorIdentifier(
        buildClientMetadata({ name: 'a', subjectType: 'public', redirectUris: ['https://www.lyon.fr/cb', 'https://lyon.fr/cb'] }),
      ),
    ).toBe(false);
  });
});

describe('kiosks (device flow)', () => {
  it('get public subjects by default', () => {
    const metadata = buildClientMetadata({ name: 'Borne', isPublic: true, grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'] });
    expect(metadata.subject_type).toBe('public');
  });

  it('cannot ask for pairwise subjects, with the reason', () => {
    expect(() =>
      buildClientMetadata({
        name: 'Borne',
        isPublic: true,
        subjectType: 'pairwise',
        grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
      }),
    ).toThrow(/private_key_jwt/);
  });
});

describe('the APIs of a client-credentials client and its token format', () => {
  const SERVICE: ClientRequest = { name: 'service voirie', grantTypes: ['client_credentials'], scope: 'openid' };
  const API = 'https://api.lyon.fr/voirie';

  it('stores nothing by default: opaque tokens, no API', () => {
    const metadata = buildClientMetadata(SERVICE);
    expect(metadata).not.toHaveProperty('resource_indicators');
    expect(metadata).not.toHaveProperty('access_token_format');
  });

  it('keeps its APIs once each, and jwt only when asked', () => {
    expect(buildClientMetadata({ ...SERVICE, resources: [API, API] })).toMatchObject({ resource_indicators: [API] });
    expect(buildClientMetadata({ ...SERVICE, resources: [API], accessTokenFormat: 'opaque' })).not.toHaveProperty('access_token_format');
    expect(buildClientMetadata({ ...SERVICE, resources: [API], accessTokenFormat: 'jwt' })).toMatchObject({ access_token_format: 'jwt' });
  });

  it('refuses jwt without an API (a JWT needs its audience) and any other format', () => {
    expect(refusalOf({ ...SERVICE, accessTokenFormat: 'jwt' }).code).toBe('access_token_format_invalid');
    expect(refusalOf({ ...SERVICE, resources: [API], accessTokenFormat: 'paseto' }).code).toBe('access_token_format_invalid');
  });

  it('refuses an API for a client without client_credentials, and an API that is not https or has a fragment', () => {
    expect(refusalOf({ ...SITE, resources: [API] }).code).toBe('resource_invalid');
    expect(refusalOf({ ...SERVICE, resources: ['http://api.lyon.fr/'] }).code).toBe('uri_not_https');
    expect(refusalOf({ ...SERVICE, resources: [`${API}#x`] }).code).toBe('uri_fragment');
  });
});
