import { aClient, anAccount } from '../support/builders.js';
import { discover, oidc } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['lyon'] }));

/** The citizen at home: types the code shown by the kiosk, signs in, allows, confirms. */
async function approveOnAnotherDevice(
  agent: UserAgent,
  verificationUri: string,
  userCode: string,
  credentials: { email: string; password: string },
) {
  let result = await agent.navigate(verificationUri);
  const seen: string[] = [];
  for (let step = 0; step < 8 && isPage(result); step++) {
    const page: Page = result;
    if (page.html.includes('name="user_code"') && page.html.includes('type="text"')) {
      seen.push('code');
      result = await agent.submit(page, { user_code: userCode });
    } else if (page.html.includes('op.deviceConfirmForm')) {
      seen.push('confirm');
      result = await agent.submit(page, {});
    } else if (page.html.includes('autocomplete="current-password"')) {
      seen.push('login');
      result = await agent.submit(page, credentials);
    } else if (page.html.includes('value="allow"')) {
      seen.push('consent');
      result = await agent.submit(page, { decision: 'allow' });
    } else {
      return { page, seen };
    }
  }
  throw new Error(`unexpected end of the device flow after ${seen.join(' → ')}`);
}

describe('device authorization for kiosks in libraries and town halls', () => {
  it('signs a citizen in on a kiosk with a code typed on another device', async () => {
    const kiosk = await aClient(world.server.registry, 'lyon', {
      isPublic: true,
      subjectType: 'public',
      redirectUris: [],
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    });
    const citizen = await anAccount(world.server.accounts);
    const config = await discover(world.server.issuer, kiosk);
    const authorization = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    expect(authorization.verification_uri).toBe(`${world.server.issuer}/device`);

    const agent = new UserAgent(world.server.issuer);
    const { page, seen } = await approveOnAnotherDevice(agent, authorization.verification_uri, authorization.user_code, citizen);
    expect(seen).toEqual(['code', 'confirm', 'login', 'consent']);
    expect(page.html).toContain('Appareil connecté');

    const tokens = await oidc.pollDeviceAuthorizationGrant(config, authorization);
    expect(tokens.claims()!.sub).toBe(citizen.id);
  });

  it('says in French that a mistyped code is wrong', async () => {
    const agent = new UserAgent(world.server.issuer);
    const input = await agent.navigate('/device');
    if (!isPage(input)) throw new Error('expected the code page');
    expect(input.html).toContain('<label for="field-user_code">');
    const refused = await agent.submit(input, { user_code: 'BCDF-GHJK' });
    if (!isPage(refused)) throw new Error('expected the code page again');
    expect(refused.html).toContain('Ce code est incorrect ou a expiré');
  });
});

describe('client credentials for metropolitan services', () => {
  it('gives a service client an access token without any citizen', async () => {
    const service = await aClient(world.server.registry, 'lyon', { grantTypes: ['client_credentials'], redirectUris: [], scope: 'openid' });
    const config = await discover(world.server.issuer, service);
    const tokens = await oidc.clientCredentialsGrant(config);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('refuses client credentials to a client not registered for them', async () => {
    const site = await aClient(world.server.registry, 'lyon');
    const config = await discover(world.server.issuer, site);
    await expect(oidc.clientCredentialsGrant(config)).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'requested grant type is not allowed for this client',
    });
  });
});
