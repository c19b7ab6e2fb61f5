// The console's operators pages: a referent of Oullins sees who works on Oullins, hands down the roles its own
// allows over Oullins only (the form offers nothing else, and a forged post is refused on its field by the
// API's domain rule), invites an address without an account, and takes a role back after a confirmation.
import { anAccount } from '../support/builders.js';
import { anOperatorPerson, consolePage } from '../support/console.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { formsOf, isPage, type Page, type UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'oullins', name: 'Oullins' },
      { slug: 'lyon', name: 'Lyon' },
    ],
    accounts: { referent: {}, lyonReferent: {} },
  }),
);

let session: { page: Page; agent: UserAgent };

beforeAll(async () => {
  await anOperatorPerson(world.server, world.referent, 'commune-referent', ['oullins']);
  await anOperatorPerson(world.server, world.lyonReferent, 'commune-referent', ['lyon']);
  session = await consolePage(world.server, world.referent, '/admin/operators');
});

const rolesOf = async (email: string) => (await world.server.operators.list()).find((o) => o.email === email)?.roles ?? [];

/** Posts a form of the operators page as the browser would, with the page's CSRF token. */
async function post(path: string, form: Record<string, string>) {
  const page = await session.agent.navigate('/admin/operators');
  if (!isPage(page)) throw new Error('expected the operators page');
  const csrf = formsOf(page.html).find((f) => f.action === '/admin/operators/grant')!.fields._csrf!;
  return session.agent.navigate(path, { method: 'POST', form: { _csrf: csrf, ...form } });
}

describe('the operators page', () => {
  it('lists the operators of Oullins only, and offers only the roles and communes a referent may hand down', async () => {
    const { page } = session;
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Opérateurs</h1>');
    expect(page.html).toContain(world.referent.email);
    expect(page.html).not.toContain(world.lyonReferent.email);
    const roleSelect = /<select id="field-role" name="role"[^>]*>([\s\S]*?)<\/select>/.exec(page.html)![1]!;
    expect([...roleSelect.matchAll(/value="([^"]+)"/g)].map((m) => m[1])).toEqual(['commune-referent', 'counter-agent']);
    expect(page.html).toContain('name="communes" value="oullins"');
    expect(page.html).not.toContain('name="communes" value="lyon"');
  });

  it('lets the referent grant counter-agent over Oullins through the form', async () => {
    const agent = await anAccount(world.server.accounts);
    const done = await post('/admin/operators/grant', { email: agent.email, role: 'counter-agent', communes: 'oullins' });
    if (!isPage(done)) throw new Error('expected a page');
    expect(new URL(done.url).search).toBe('?done=granted');
    expect(done.html).toContain('Le rôle est donné.');
    expect(done.html).toContain(agent.email);
    expect(await rolesOf(agent.email)).toEqual([{ role: 'counter-agent', communes: ['oullins'] }]);
  });

  it('refuses a forged post granting metropole-admin: the form again, 403, the error on the role', async () => {
    const person = await anAccount(world.server.accounts);
    const refused = await post('/admin/operators/grant', { email: person.email, role: 'metropole-admin' });
    if (!isPage(refused)) throw new Error('expected a page');
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Vous ne pouvez pas donner ni retirer ce rôle : il dépasse le vôtre.');
    expect(refused.html).toMatch(/<select id="field-role" name="role" aria-describedby="field-role-error" aria-invalid="true">/);
    expect(refused.html).toContain(`value="${person.email}"`);
    expect(await rolesOf(person.email)).toEqual([]);
  });

  it('refuses a forged post granting over Lyon, the error on the communes', async () => {
    const person = await anAccount(world.server.accounts);
    const refused = await post('/admin/operators/grant', { email: person.email, role: 'counter-agent', communes: 'lyon' });
    if (!isPage(refused)) throw new Error('expected a page');
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('<p class="field-error" id="field-communes-error">');
    expect(refused.html).toContain('aria-invalid="true"');
    expect(await rolesOf(person.email)).toEqual([]);
  });

  it('refuses a grant posted without the CSRF token (403), and grants nothing', async () => {
    const person = await anAccount(world.server.accounts);
    const response = await session.agent.request('/admin/operators/grant', {
      method: 'POST',
      form: { email: person.email, role: 'counter-agent', communes: 'oullins' },
    });
    expect(response.status).toBe(403);
    expect(await rolesOf(person.email)).toEqual([]);
  });

  it('shows the invitation pending for an address no verified account holds', async () => {
    const done = await post('/admin/operators/grant', { email: 'futur.agent@oullins.fr', role: 'counter-agent', communes: 'oullins' });
    if (!isPage(done)) throw new Error('expected a page');
    expect(new URL(done.url).search).toBe('?done=invited');
    expect(done.html).toContain('une invitation lui a été envoyée');
    expect((await world.server.operators.listInvitations()).some((i) => i.email === 'futur.agent@oullins.fr')).toBe(true);
  });

  it('takes a role back after a confirmation page', async () => {
    const person = await anAccount(world.server.accounts);
    await world.server.operators.grant({ email: person.email }, 'counter-agent', ['oullins'], { actor: 'test' });
    const list = await session.agent.navigate('/admin/operators');
    if (!isPage(list)) throw new Error('expected the operators page');
    expect(list.html).toContain(`aria-label="Retirer le rôle « Agent d’accueil » de ${person.email}"`);
    const query = new URLSearchParams({ email: person.email, role: 'counter-agent', communes: 'oullins' });
    const confirm = await session.agent.navigate(`/admin/operators/revoke?${query.toString()}`);
    if (!isPage(confirm)) throw new Error('expected the confirmation');
    expect(confirm.html).toContain(`Retirer le rôle « Agent d’accueil » de ${person.email} pour : oullins ?`);
    expect(await rolesOf(person.email)).toHaveLength(1);
    const form = formsOf(confirm.html).findIndex((f) => f.action === '/admin/operators/revoke');
    const done = await session.agent.submit(confirm, {}, form);
    if (!isPage(done)) throw new Error('expected a page');
    expect(done.html).toContain('Le rôle est retiré.');
    expect(await rolesOf(person.email)).toEqual([]);
  });

  it('refuses the referent taking back Lyon’s referent: the confirmation again, 403', async () => {
    const confirm = await session.agent.navigate(
      `/admin/operators/revoke?${new URLSearchParams({ email: world.lyonReferent.email, role: 'commune-referent', communes: 'lyon' }).toString()}`,
    );
    if (!isPage(confirm)) throw new Error('expected the confirmation');
    const form = formsOf(confirm.html).findIndex((f) => f.action === '/admin/operators/revoke');
    const refused = await session.agent.submit(confirm, {}, form);
    if (!isPage(refused)) throw new Error('expected a page');
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Vous ne pouvez donner ou retirer un rôle que sur les communes que vous gérez');
    expect(await rolesOf(world.lyonReferent.email)).toEqual([{ role: 'commune-referent', communes: ['lyon'] }]);
  });
});
