// The README's PHP (jumbojett), Python (Authlib) and Apache (mod_auth_openidc) examples, read from README.md
// and checked against the provider's real discovery: what they ask for is advertised, and the URIs they use
// are the ones the README tells the operator to register. (The Apache block also runs in a browser test.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/config.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { readmeExample } from '../support/readme.js';
import { useWorld } from '../support/world.js';

const PLACEHOLDER_ISSUER = 'https://connect.grandlyon.example';
const world = useWorld(() => anOidcWorld({ communes: ['oullins'] }));

interface Discovery {
  issuer: string;
  scopes_supported: string[];
  claims_supported: string[];
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  ui_locales_supported: string[];
  [endpoint: `${string}_endpoint`]: string | undefined;
}

async function discovery(): Promise<Discovery> {
  const answer = await fetch(`${world.server.issuer}/.well-known/openid-configuration`);
  expect(answer.status).toBe(200);
  return (await answer.json()) as Discovery;
}

/** The section of the README that tells an operator what to register for a site. */
const integration = (() => {
  const readme = readFileSync(join(findProjectRoot(), 'README.md'), 'utf8');
  const start = readme.indexOf('## How a commune site integrates');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
})();

/** The values of `--option` in the README's registration advice (a site's redirect or post-logout URI). */
function registered(option: string): string[] {
  return [...integration.matchAll(new RegExp(option + '\\s+(https://[^\\s`;,]+)', 'g'))].map((m) => m[1]!);
}

/** Every `something_endpoint` the example names must be in discovery; the claims it reads, in claims_supported. */
function expectNamesAdvertised(code: string, served: Discovery): void {
  for (const [endpoint] of code.matchAll(/\b[a-z]+(?:_[a-z]+)*_endpoint\b/g))
    expect([endpoint, served[endpoint as `${string}_endpoint`]]).toEqual([endpoint, expect.stringMatching(/^http/)]);
  for (const claim of ['given_name', 'family_name', 'email']) if (code.includes(claim)) expect(served.claims_supported).toContain(claim);
}

describe("the README's integration examples", () => {
  it('registers every redirect and post-logout URI the examples use', () => {
    expect(registered('--redirect-uri')).toEqual(
      expect.arrayContaining(['https://www.oullins.fr/auth/callback', 'https://www.oullins.fr/protected/redirect_uri']),
    );
    expect(registered('--post-logout-redirect-uri')).toEqual(
      expect.arrayContaining(['https://www.oullins.fr/', 'https://www.oullins.fr/loggedout.html']),
    );
  });

  it('PHP (jumbojett/openid-connect-php): its scopes, PKCE method, client authentication and locale are advertised', async () => {
    const php = readmeExample('php');
    const served = await discovery();
    expect(php).toContain(`new OpenIDConnectClient('${PLACEHOLDER_ISSUER}', 'CLIENT_ID', 'CLIENT_SECRET')`);
    const scopes = /addScope\(\[([^\]]*)\]\)/.exec(php)![1]!.match(/[\w]+/g)!;
    expect(served.scopes_supported).toEqual(expect.arrayContaining(scopes));
    expect(served.code_challenge_methods_supported).toContain(/setCodeChallengeMethod\('(\w+)'\)/.exec(php)![1]);
    expect(served.token_endpoint_auth_methods_supported).toContain(/setTokenEndpointAuthMethodsSupported\(\['(\w+)'\]\)/.exec(php)![1]);
    expect(served.ui_locales_supported).toContain(/'ui_locales' => '(\w+)'/.exec(php)![1]);
    // requestUserInfo() and signOut() go to these endpoints, which the library finds in discovery.
    expect(served.userinfo_endpoint).toMatch(/^http/);
    expect(served.end_session_endpoint).toMatch(/^http/);
    expectNamesAdvertised(php, served);
    expect(registered('--redirect-uri')).toContain(/setRedirectURL\('([^']+)'\)/.exec(php)![1]);
    expect(registered('--post-logout-redirect-uri')).toContain(/signOut\([^,]+, '([^']+)'\)/.exec(php)![1]);
  });

  it('Python (Authlib): its metadata URL is discovery, and its scopes, PKCE method, authentication and locale are advertised', async () => {
    const python = readmeExample('python');
    const served = await discovery();
    const metadataUrl = /server_metadata_url='([^']+)'/.exec(python)![1]!;
    expect(metadataUrl).toBe(`${PLACEHOLDER_ISSUER}/.well-known/openid-configuration`);
    expect(served.scopes_supported).toEqual(expect.arrayContaining(/'scope': '([^']+)'/.exec(python)![1]!.split(' ')));
    expect(served.code_challenge_methods_supported).toContain(/'code_challenge_method': '(\w+)'/.exec(python)![1]);
    expect(served.token_endpoint_auth_methods_supported).toContain(/'token_endpoint_auth_method': '(\w+)'/.exec(python)![1]);
    expect(served.ui_locales_supported).toContain(/ui_locales='(\w+)'/.exec(python)![1]);
    expect(served.userinfo_endpoint).toMatch(/^http/);
    expectNamesAdvertised(python, served);
    expect(registered('--redirect-uri')).toContain(/authorize_redirect\('([^']+)'/.exec(python)![1]);
    expect(registered('--post-logout-redirect-uri')).toContain(/'post_logout_redirect_uri': '([^']+)'/.exec(python)![1]);
  });

  it('Apache (mod_auth_openidc): its metadata URL is discovery, its scopes and PKCE method are advertised, its redirect URI is protected', async () => {
    const apache = readmeExample('apache');
    const served = await discovery();
    expect(/^OIDCProviderMetadataURL (\S+)$/m.exec(apache)![1]).toBe(`${PLACEHOLDER_ISSUER}/.well-known/openid-configuration`);
    expect(served.scopes_supported).toEqual(expect.arrayContaining(/^OIDCScope "([^"]+)"$/m.exec(apache)![1]!.split(' ')));
    expect(served.code_challenge_methods_supported).toContain(/^OIDCPKCEMethod (\S+)$/m.exec(apache)![1]);
    // mod_auth_openidc's default client authentication is client_secret_basic, the one clients are registered with.
    expect(served.token_endpoint_auth_methods_supported).toContain('client_secret_basic');
    const redirectUri = /^OIDCRedirectURI (\S+)$/m.exec(apache)![1]!;
    expect(registered('--redirect-uri')).toContain(redirectUri);
    // The module answers its redirect URI only inside a location it protects.
    expect(new URL(redirectUri).pathname.startsWith(`${/^<Location (\S+)>$/m.exec(apache)![1]!}/`)).toBe(true);
  });
});
