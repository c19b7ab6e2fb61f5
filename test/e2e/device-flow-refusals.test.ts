// The device page after one of the library's re-render errors says which it was, in the citizen's
// language: no code typed, a code that is wrong, a request the citizen aborted. oidc-provider exports no
// class for these errors, so these tests are what notices when it renames them.
import { aClient } from '../support/builders.js';
import { discover, oidc } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['vaulx'] }));

const WRONG_CODE = 'Ce code est incorrect ou a expiré';
const ABORTED = 'La demande de connexion a été interrompue.';
const FAILED = 'La demande n’a pas pu être traitée';

async function pageAt(agent: UserAgent, path: string): Promise<Page> {
  const result = await agent.navigate(path);
  if (!isPage(result)) throw new Error(`expected a page at ${path}`);
  return result;
}

async function submitted(agent: UserAgent, page: Page, fields: Record<string, string>): Promise<Page> {
  const result = await agent.submit(page, fields);
  if (!isPage(result)) throw new Error('expected a page after the form');
  return result;
}

async function aKioskAuthorization() {
  const kiosk = await aClient(world.server.registry, 'vaulx', {
    isPublic: true,
    subjectType: 'public',
    redirectUris: [],
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
  });
  const config = await discover(world.server.issuer, kiosk);
  return { config, authorization: await oidc.initiateDeviceAuthorization(config, { scope: 'openid' }) };
}

describe('the device page after a refusal', () => {
  it('asks again for the code when none was typed', async () => {
    const agent = new UserAgent(world.server.issuer);
    const refused = await submitted(agent, await pageAt(agent, '/device'), { user_code: '' });
    expect(refused.status).toBe(200);
    expect(refused.html).toContain(WRONG_CODE);
    expect(refused.html).toContain('name="user_code"');
  });

  it('says that the request was interrupted when the citizen aborts it, and the kiosk is refused', async () => {
    const { config, authorization } = await aKioskAuthorization();
    const agent = new UserAgent(world.server.issuer);
    const confirm = await submitted(agent, await pageAt(agent, '/device'), { user_code: authorization.user_code });
    expect(confirm.html).toContain('op.deviceConfirmForm');
    const aborted = await submitted(agent, confirm, { abort: 'yes' });
    expect(aborted.html).toContain(ABORTED);
    expect(aborted.html).not.toContain(WRONG_CODE);
    expect(aborted.html).not.toContain(FAILED);
    await expect(
      oidc.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:device_code', { device_code: authorization.device_code }),
    ).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('says that the code is wrong, not that the request was interrupted, for a code already aborted', async () => {
    const { authorization } = await aKioskAuthorization();
    const agent = new UserAgent(world.server.issuer);
    const confirm = await submitted(agent, await pageAt(agent, '/device'), { user_code: authorization.user_code });
    await submitted(agent, confirm, { abort: 'yes' });
    const again = await submitted(agent, await pageAt(agent, '/device'), { user_code: authorization.user_code });
    expect(again.html).toContain(WRONG_CODE);
  });
});
