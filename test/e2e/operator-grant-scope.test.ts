// Roles are handed down within one's scope (operators/permissions.ts, roleChangeRefusal), through the
// operators' API: a referent or a syndicate operator grants and revokes roles no higher than its own over its
// own communes only, a counter agent nothing; each sees only the operators of its communes.
import { anAccount } from '../support/builders.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['oullins', 'lyon', 'vaulx-en-velin', 'givors'],
    operators: {
      admin: { role: 'metropole-admin' },
      referent: { commune: 'oullins', role: 'commune-referent', communes: ['oullins'] },
      syndicate: { commune: 'vaulx-en-velin', role: 'syndicate-operator', communes: ['vaulx-en-velin', 'givors'] },
      agent: { commune: 'oullins', role: 'counter-agent', communes: ['oullins'] },
    },
  }),
);

type Caller = 'admin' | 'referent' | 'syndicate' | 'agent';
const call = (caller: Caller, path: string, body: object) => world.api.call(world[caller].bearer, 'POST', path, body);
const grant = (caller: Caller, body: object) => call(caller, '/operators/grant', body);
const revoke = (caller: Caller, body: object) => call(caller, '/operators/revoke', body);
const rolesOf = async (email: string) =>
  (await world.server.operators.list()).find((o) => o.email === email)?.roles.map((r) => ({ role: r.role, communes: r.communes })) ?? [];
const changeRows = async () =>
  Number((await world.server.pool.query("select count(*) from audit_log where action like 'operator.%'")).rows[0].count);

describe('granting a role above or beyond one’s own', () => {
  it('refuses a syndicate operator granting metropole-admin (403, on the role), and writes nothing', async () => {
    const person = await anAccount(world.server.accounts);
    const before = await changeRows();
    const answer = await grant('syndicate', { email: person.email, role: 'metropole-admin' });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: 'forbidden', field: 'role' });
    expect(answer.body.error_description).toContain('above your own role');
    expect(await rolesOf(person.email)).toEqual([]);
    expect(await changeRows()).toBe(before);
  });

  it('refuses a referent of Oullins granting commune-referent over Lyon (403, on the communes)', async () => {
    const person = await anAccount(world.server.accounts);
    const answer = await grant('referent', { email: person.email, role: 'commune-referent', communes: ['lyon'] });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: 'forbidden', field: 'communes' });
    expect(answer.body.error_description).toContain('lyon');
    expect(await rolesOf(person.email)).toEqual([]);
  });

  it('refuses a referent slipping Lyon in beside Oullins: the whole change, not half of it', async () => {
    const person = await anAccount(world.server.accounts);
    const answer = await grant('referent', { email: person.email, role: 'counter-agent', communes: ['oullins', 'lyon'] });
    expect(answer.status).toBe(403);
    expect(await rolesOf(person.email)).toEqual([]);
  });

  it('refuses a referent granting syndicate-operator, even over its own commune', async () => {
    const person = await anAccount(world.server.accounts);
    const answer = await grant('referent', { email: person.email, role: 'syndicate-operator', communes: ['oullins'] });
    expect(answer.status).toBe(403);
    expect(answer.body.field).toBe('role');
    expect(await rolesOf(person.email)).toEqual([]);
  });

  it('refuses a counter agent any grant, even of its own role over its own commune', async () => {
    const person = await anAccount(world.server.accounts);
    const answer = await grant('agent', { email: person.email, role: 'counter-agent', communes: ['oullins'] });
    expect(answer.status).toBe(403);
    expect(await rolesOf(person.email)).toEqual([]);
  });

  it('refuses an invitation out of scope as well: no mail goes to an address without an account', async () => {
    const answer = await grant('referent', { email: 'nouvelle.personne@example.org', role: 'commune-referent', communes: ['lyon'] });
    expect(answer.status).toBe(403);
    expect((await world.server.operators.listInvitations()).some((i) => i.email === 'nouvelle.personne@example.org')).toBe(false);
  });
});

describe('granting within one’s scope', () => {
  it('lets a referent grant counter-agent and commune-referent over its commune', async () => {
    const agent = await anAccount(world.server.accounts);
    const colleague = await anAccount(world.server.accounts);
    expect((await grant('referent', { email: agent.email, role: 'counter-agent', communes: ['oullins'] })).status).toBe(200);
    expect((await grant('referent', { email: colleague.email, role: 'commune-referent', communes: ['oullins'] })).status).toBe(200);
    expect(await rolesOf(agent.email)).toEqual([{ role: 'counter-agent', communes: ['oullins'] }]);
    expect(await rolesOf(colleague.email)).toEqual([{ role: 'commune-referent', communes: ['oullins'] }]);
  });

  it('lets a syndicate operator grant commune-referent and syndicate-operator over its communes', async () => {
    const referent = await anAccount(world.server.accounts);
    const operator = await anAccount(world.server.accounts);
    expect((await grant('syndicate', { email: referent.email, role: 'commune-referent', communes: ['givors'] })).status).toBe(200);
    const peer = await grant('syndicate', { email: operator.email, role: 'syndicate-operator', communes: ['vaulx-en-velin', 'givors'] });
    expect(peer.status).toBe(200);
    expect(await rolesOf(operator.email)).toEqual([{ role: 'syndicate-operator', communes: ['givors', 'vaulx-en-velin'] }]);
  });

  it('invites, within scope, an address no verified account holds (202)', async () => {
    const answer = await grant('referent', { email: 'future.agente@example.org', role: 'counter-agent', communes: ['oullins'] });
    expect(answer.status).toBe(202);
    expect(answer.body.invitation).toMatchObject({ email: 'future.agente@example.org', role: 'counter-agent', communes: ['oullins'] });
  });

  it('still lets the Métropole grant anything', async () => {
    const person = await anAccount(world.server.accounts);
    expect((await grant('admin', { email: person.email, role: 'metropole-admin' })).status).toBe(200);
    expect(await rolesOf(person.email)).toEqual([{ role: 'metropole-admin', communes: [] }]);
  });
});

describe('revoking follows the same rule', () => {
  it('lets a referent take back a counter agent of its commune, not the Lyon part of a role', async () => {
    const person = await anAccount(world.server.accounts);
    await world.server.operators.grant({ email: person.email }, 'counter-agent', ['oullins', 'lyon'], { actor: 'test' });
    expect((await revoke('referent', { email: person.email, role: 'counter-agent', communes: ['lyon'] })).status).toBe(403);
    expect((await revoke('referent', { email: person.email, role: 'counter-agent', communes: ['oullins'] })).status).toBe(200);
    expect(await rolesOf(person.email)).toEqual([{ role: 'counter-agent', communes: ['lyon'] }]);
  });

  it('refuses a referent a revocation naming no commune (it would reach every commune of the role)', async () => {
    const person = await anAccount(world.server.accounts);
    await world.server.operators.grant({ email: person.email }, 'counter-agent', ['oullins', 'lyon'], { actor: 'test' });
    const answer = await revoke('referent', { email: person.email, role: 'counter-agent' });
    expect(answer.status).toBe(403);
    expect(answer.body.field).toBe('communes');
    expect(await rolesOf(person.email)).toEqual([{ role: 'counter-agent', communes: ['lyon', 'oullins'] }]);
  });

  it('refuses a referent taking a syndicate operator’s role, even over its own commune', async () => {
    const person = await anAccount(world.server.accounts);
    await world.server.operators.grant({ email: person.email }, 'syndicate-operator', ['oullins'], { actor: 'test' });
    expect((await revoke('referent', { email: person.email, role: 'syndicate-operator', communes: ['oullins'] })).status).toBe(403);
    expect(await rolesOf(person.email)).toEqual([{ role: 'syndicate-operator', communes: ['oullins'] }]);
  });
});

describe('listing the operators', () => {
  it('shows a referent only the operators of its communes, their roles cut to them', async () => {
    const both = await anAccount(world.server.accounts);
    const lyonOnly = await anAccount(world.server.accounts);
    await world.server.operators.grant({ email: both.email }, 'commune-referent', ['oullins', 'lyon'], { actor: 'test' });
    await world.server.operators.grant({ email: lyonOnly.email }, 'commune-referent', ['lyon'], { actor: 'test' });
    const listed = await world.api.call(world.referent.bearer, 'GET', '/operators?limit=200');
    expect(listed.status).toBe(200);
    const items = listed.body.items as { email: string | null; client_id: string | null; roles: { role: string; communes: string[] }[] }[];
    expect(items.find((o) => o.email === both.email)?.roles).toEqual([{ role: 'commune-referent', communes: ['oullins'] }]);
    expect(items.some((o) => o.email === lyonOnly.email)).toBe(false);
    // The Métropole's own role covers no commune in particular: not the referent's to see.
    expect(items.some((o) => o.client_id === world.admin.clientId)).toBe(false);
    expect(items.every((o) => o.roles.every((r) => r.communes.length > 0 && r.communes.every((c) => c === 'oullins')))).toBe(true);
  });

  it('shows the Métropole everyone, a counter agent no one', async () => {
    const all = await world.api.call(world.admin.bearer, 'GET', '/operators?limit=200');
    expect(all.body.items.some((o: { client_id: string | null }) => o.client_id === world.syndicate.clientId)).toBe(true);
    const none = await world.api.call(world.agent.bearer, 'GET', '/operators');
    expect([none.status, none.body.total]).toEqual([200, 0]);
  });
});
