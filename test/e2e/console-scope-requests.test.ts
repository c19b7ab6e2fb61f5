// The console's scope requests: a referent sees its communes' requests and their decisions without the way
// to decide; only a metropole-admin approves or refuses, a refusal needs its reason, and that reason reaches
// the requester in the list, the API's answer and the audit.
import { consolePage, anOperatorPerson } from '../support/console.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { formsOf, isPage, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'oullins', name: 'Oullins' },
      { slug: 'lyon', name: 'Lyon' },
    ],
    accounts: { referent: {}, admin: {}, lyonReferent: {} },
    operators: { program: { role: 'commune-referent', communes: ['oullins'] }, metropole: { role: 'metropole-admin' } },
  }),
);

beforeAll(async () => {
  await anOperatorPerson(world.server, world.referent, 'commune-referent', ['oullins']);
  await anOperatorPerson(world.server, world.admin, 'metropole-admin');
  await anOperatorPerson(world.server, world.lyonReferent, 'commune-referent', ['lyon']);
});

function asPage(result: Page | { leftTo: string }): Page {
  if (!isPage(result)) throw new Error(`left the provider for ${result.leftTo}`);
  return result;
}

const csrfOf = (page: Page) => formsOf(page.html).find((form) => form.fields._csrf)!.fields._csrf!;

function formTo(page: Page, action: string): number {
  const index = formsOf(page.html).findIndex((form) => form.action === action);
  if (index < 0) throw new Error(`no form to ${action} on ${page.url}`);
  return index;
}

interface ApiRequest {
  id: number;
  client_id: string;
  status: string;
  reason: string | null;
}

/** A referent's program registers a site asking for the phone number through the API: the scope waits. */
async function aPendingPhoneRequest(name: string): Promise<ApiRequest> {
  const created = await world.api.call(world.program.bearer, 'POST', '/communes/oullins/clients', {
    client_name: name,
    redirect_uris: [`https://${name.toLowerCase().replace(/\W+/g, '-')}.oullins.example.org/cb`],
    scope: 'openid email phone',
  });
  expect(created.status).toBe(201);
  return requestOf(created.body.client_id as string);
}

async function requestOf(clientId: string): Promise<ApiRequest> {
  const listed = await world.api.call(world.program.bearer, 'GET', '/scope-requests?status=all');
  const found = (listed.body.items as ApiRequest[]).find((r) => r.client_id === clientId);
  if (!found) throw new Error(`no scope request for ${clientId}`);
  return found;
}

describe('what a referent sees', () => {
  it('shows the referent its commune’s pending request, without a way to decide', async () => {
    const request = await aPendingPhoneRequest('Portail famille');
    const { page } = await consolePage(world.server, world.referent, '/admin/scope-requests');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Portail famille');
    expect(page.html).toContain(`<code>${request.client_id}</code>`);
    expect(page.html).toContain('<code>phone</code>');
    expect(page.html).not.toContain(`href="/admin/scope-requests/${request.id}"`);
    expect(formsOf(page.html).some((form) => form.action.startsWith('/admin/scope-requests/'))).toBe(false);
  });

  it('refuses the referent the decision page and a forged approval, even with a valid CSRF token', async () => {
    const request = await aPendingPhoneRequest('Inscriptions cantine');
    const { page, agent } = await consolePage(world.server, world.referent, '/admin/scope-requests');
    expect(asPage(await agent.navigate(`/admin/scope-requests/${request.id}`)).status).toBe(403);
    for (const action of ['approve', 'refuse']) {
      const forged = await agent.request(`/admin/scope-requests/${request.id}/${action}`, {
        method: 'POST',
        form: { _csrf: csrfOf(page), [`${action}-reason`]: 'moi-même' },
      });
      expect(forged.status).toBe(403);
    }
    expect((await requestOf(request.client_id)).status).toBe('pending');
  });

  it('keeps Oullins’ requests from a referent of Lyon', async () => {
    const request = await aPendingPhoneRequest('Médiathèque');
    const { page } = await consolePage(world.server, world.lyonReferent, '/admin/scope-requests?status=all');
    expect(page.html).not.toContain('Médiathèque');
    expect(page.html).not.toContain(request.client_id);
  });
});

describe('the Métropole’s decision', () => {
  it('refuses a refusal without a reason on the reason’s field, and records one with its reason everywhere', async () => {
    const request = await aPendingPhoneRequest('Réservation salles');
    const { page: list, agent } = await consolePage(world.server, world.admin, '/admin/scope-requests');
    expect(list.html).toContain(
      `href="/admin/scope-requests/${request.id}" aria-label="Décider de la demande de Réservation salles pour « phone »"`,
    );
    const decision = asPage(await agent.navigate(`/admin/scope-requests/${request.id}`));
    expect(decision.status).toBe(200);
    const refuse = formTo(decision, `/admin/scope-requests/${request.id}/refuse`);

    const empty = asPage(await agent.submit(decision, { 'refuse-reason': '   ' }, refuse));
    expect(empty.status).toBe(400);
    expect(empty.html).toMatch(/<p class="field-error" id="field-refuse-reason-error">[^<]+<\/p>/);
    expect(empty.html).toMatch(
      /<textarea id="field-refuse-reason" name="refuse-reason"[^>]*aria-describedby="field-refuse-reason-hint field-refuse-reason-error" aria-invalid="true"/,
    );
    expect((await requestOf(request.client_id)).status).toBe('pending');

    const reason = 'Le téléphone n’est pas nécessaire pour réserver une salle.';
    const refused = asPage(
      await agent.submit(empty, { 'refuse-reason': reason }, formTo(empty, `/admin/scope-requests/${request.id}/refuse`)),
    );
    expect(new URL(refused.url).search).toBe('?status=refused&done=refused');
    expect(refused.html).toContain('La demande a été refusée ; le motif est enregistré.');
    expect(refused.html).toContain(`Motif : ${reason}`);

    expect(await requestOf(request.client_id)).toMatchObject({ status: 'refused', reason });
    const audit = await world.api.call(world.metropole.bearer, 'GET', '/audit?action=scope_request.refused');
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ target: `client:${request.client_id}`, after: { scope: 'phone', status: 'refused', reason } }),
    );
    // The referent reads the decision and its reason in the console too.
    const { page: seen } = await consolePage(world.server, world.referent, '/admin/scope-requests?status=refused');
    expect(seen.html).toContain(`Motif : ${reason}`);
  });

  it('approves a request: the scope joins the client’s', async () => {
    const request = await aPendingPhoneRequest('Démarches en ligne');
    const { agent } = await consolePage(world.server, world.admin, '/admin/scope-requests');
    const decision = asPage(await agent.navigate(`/admin/scope-requests/${request.id}`));
    const approved = asPage(await agent.submit(decision, {}, formTo(decision, `/admin/scope-requests/${request.id}/approve`)));
    expect(new URL(approved.url).search).toBe('?status=approved&done=approved');
    expect(approved.html).toContain('Démarches en ligne');
    expect((await requestOf(request.client_id)).status).toBe('approved');
    const client = await world.api.call(world.program.bearer, 'GET', `/communes/oullins/clients/${request.client_id}`);
    expect((client.body.scope as string).split(' ')).toContain('phone');
    // Decided once: its page now sends back to the list, and a second decision is refused.
    const again = await agent.request(`/admin/scope-requests/${request.id}`);
    expect(again.status).toBe(303);
    const twice = asPage(
      await agent.navigate(`/admin/scope-requests/${request.id}/refuse`, {
        method: 'POST',
        form: { _csrf: csrfOf(decision), 'refuse-reason': 'trop tard' },
      }),
    );
    expect(twice.status).toBe(409);
    expect((await requestOf(request.client_id)).status).toBe('approved');
  });

  it('refuses a decision posted without its CSRF token', async () => {
    const request = await aPendingPhoneRequest('Piscine municipale');
    const { agent } = await consolePage(world.server, world.admin, '/admin/scope-requests');
    const forged = await agent.request(`/admin/scope-requests/${request.id}/approve`, { method: 'POST', form: {} });
    expect(forged.status).toBe(403);
    expect((await requestOf(request.client_id)).status).toBe('pending');
  });
});
