// A metropole-admin approves, in Chromium, the scope a referent's site waits for: the site then has it.
import { anOperator } from '../support/admin.js';
import { anAccount } from '../support/builders.js';
import { anOperatorPerson } from '../support/console.js';
import { anAdminApi, type AdminApi } from '../support/openapi.js';
import { allMessages, signInToConsole } from './console-support.js';
import { startBrowserWorld, type BrowserWorld } from './support.js';

let world: BrowserWorld;
let api: AdminApi;
beforeAll(async () => {
  world = await startBrowserWorld();
  api = await anAdminApi(world.server);
}, 60_000);
afterAll(async () => world.stop());

describe('scope requests in a browser', () => {
  it('lets a metropole-admin approve a pending request, after which the client has the scope', async () => {
    const text = allMessages('fr');
    const commune = world.client.commune;
    // A referent's program registers a site asking for the phone number: the sensitive scope waits.
    const program = await anOperator(world.server, commune, { role: 'commune-referent', communes: [commune] });
    const created = await api.call(program.bearer, 'POST', `/communes/${commune}/clients`, {
      client_name: 'Portail famille',
      redirect_uris: ['https://famille.villeurbanne.example.org/cb'],
      scope: 'openid email phone',
    });
    expect(created.status).toBe(201);
    const clientId = created.body.client_id as string;
    expect((created.body.scope as string).split(' ')).not.toContain('phone');

    const admin = await anOperatorPerson(world.server, await anAccount(world.server.accounts), 'metropole-admin');
    const page = await world.newPage();
    await signInToConsole(page, world.server, admin, '/admin/scope-requests');
    await page.getByRole('heading', { level: 1, name: text['console.scope_requests.title'], exact: true }).waitFor();
    const decide = (text['console.scope_requests.decide_label'] ?? '').replace('{client}', 'Portail famille').replace('{scope}', 'phone');
    await page.getByRole('link', { name: decide, exact: true }).click();
    await page.getByRole('button', { name: text['console.scope_requests.approve'], exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'approved');
    await page
      .getByRole('status')
      .filter({ hasText: text['console.scope_requests.done.approved'] ?? '' })
      .waitFor();
    expect(await page.getByRole('cell', { name: /Portail famille/ }).count()).toBe(1);

    const client = await api.call(program.bearer, 'GET', `/communes/${commune}/clients/${clientId}`);
    expect((client.body.scope as string).split(' ')).toContain('phone');
    const requests = await api.call(program.bearer, 'GET', '/scope-requests?status=approved');
    expect(requests.body.items).toContainEqual(expect.objectContaining({ client_id: clientId, scope: 'phone', status: 'approved' }));
  });
});
