// Every change and its audit row commit together: with the audit log refusing rows (a trigger installed
// in this test's own database), a registry change, an operator change and an account change are rolled
// back, whichever face made them; and dynamic registration (RFC 7591, RFC 7592) is audited with its commune.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { anOperatorClient } from '../support/admin.js';
import { anAccount } from '../support/builders.js';
import { glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({ communes: [{ slug: 'bron', name: 'Bron' }], operators: { admin: { role: 'metropole-admin' } } }),
);
const API = '/admin/api/v1';

/** Runs `change` while the audit log refuses every row, then lets it accept them again. */
async function withAuditRefused<T>(change: () => Promise<T>): Promise<T> {
  await world.server.pool.query(`create function refuse_audit() returns trigger language plpgsql as $$
    begin raise exception 'audit refused by the test'; end $$`);
  await world.server.pool.query('create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()');
  try {
    return await change();
  } finally {
    await world.server.pool.query('drop trigger refuse_audit on audit_log');
    await world.server.pool.query('drop function refuse_audit()');
  }
}

const auditOf = async (target: string) =>
  (await world.server.operators.readAudit(new Date(0), 'cli')).filter((entry) => entry.target === target);

describe('a change whose audit row cannot be written', () => {
  it('leaves no commune behind (a registry change through the API)', async () => {
    const response = await withAuditRefused(() =>
      request(world.server.server).post(`${API}/communes`).set('Authorization', world.admin.bearer).send({ slug: 'vaulx', name: 'Vaulx' }),
    );
    expect(response.status).toBe(500);
    expect((await world.server.registry.listCommunes()).map((c) => c.slug)).not.toContain('vaulx');
  });

  it('leaves no client registered through /reg (a registry change by dynamic registration)', async () => {
    const { token } = await world.server.oidc.registrationTokens.issue(world.server.pool, 'bron', 600, 'test');
    const before = await world.server.registry.listClients('bron');
    const response = await withAuditRefused(() =>
      request(world.server.server)
        .post('/reg')
        .set('Authorization', `Bearer ${token}`)
        .send({ client_name: 'Médiathèque de Bron', redirect_uris: ['https://bm.bron.example.org/cb'] }),
    );
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(await world.server.registry.listClients('bron')).toEqual(before);
  });

  it('gives no role (an operator change through the API)', async () => {
    const program = await anOperatorClient(world.server, 'bron');
    const response = await withAuditRefused(() =>
      request(world.server.server)
        .post(`${API}/operators/grant`)
        .set('Authorization', world.admin.bearer)
        .send({ client_id: program.clientId, role: 'commune-referent', communes: ['bron'] }),
    );
    expect(response.status).toBe(500);
    expect((await world.server.operators.list()).find((record) => record.clientId === program.clientId)).toBeUndefined();
  });

  it('leaves the account unlocked and able to sign in (an account change through the API)', async () => {
    const citizen = await anAccount(world.server.accounts);
    const response = await withAuditRefused(() =>
      request(world.server.server)
        .post(`${API}/accounts/${citizen.id}/lock`)
        .set('Authorization', world.admin.bearer)
        .send({ reason: 'compte compromis' }),
    );
    expect(response.status).toBe(500);
    expect((await world.server.accounts.findById(citizen.id))?.lockedAt).toBeUndefined();
    expect(await world.server.accounts.authenticate(citizen.email, citizen.password)).toMatchObject({ id: citizen.id });
  });

  it('creates no account (an account change through the command line)', async () => {
    const email = `jeanne-${randomBytes(4).toString('hex')}@example.org`;
    const env = glcEnvOf(world.server);
    const result = await withAuditRefused(() =>
      runGlc(['account', 'add', '--email', email, '--password', 'une phrase de passe très longue', '--json'], env),
    );
    expect(result.code).toBe(1);
    expect(await world.server.accounts.findByEmail(email)).toBeUndefined();
    expect(
      jsonOutput(await runGlc(['account', 'add', '--email', email, '--password', 'une phrase de passe très longue', '--json'], env)),
    ).toMatchObject({ email });
  }, 60_000);
});

describe('dynamic registration in the audit log', () => {
  it('records a registration, its update and its deletion, each with the commune', async () => {
    const { token } = await world.server.oidc.registrationTokens.issue(world.server.pool, 'bron', 600, 'test');
    const registered = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${token}`)
      .send({ client_name: 'Piscine de Bron', redirect_uris: ['https://piscine.bron.example.org/cb'] });
    expect(registered.status).toBe(201);
    const path = new URL(registered.body.registration_client_uri).pathname;
    const updated = await request(world.server.server)
      .put(path)
      .set('Authorization', `Bearer ${registered.body.registration_access_token}`)
      .send({
        client_id: registered.body.client_id,
        client_secret: registered.body.client_secret,
        client_name: 'Piscines de Bron',
        redirect_uris: ['https://piscine.bron.example.org/cb'],
      });
    expect(updated.status).toBe(200);
    expect(
      (await request(world.server.server).delete(path).set('Authorization', `Bearer ${updated.body.registration_access_token}`)).status,
    ).toBe(204);

    const entries = await auditOf(`client:${registered.body.client_id}`);
    expect(entries.map((entry) => [entry.action, entry.actor, entry.communeSlug])).toEqual([
      ['client.registered', 'registration', 'bron'],
      ['client.updated', 'registration', 'bron'],
      ['client.deleted', 'registration', 'bron'],
    ]);
    expect(entries.map((entry) => entry.actorLabel)).toEqual([
      'initial access token',
      'registration access token',
      'registration access token',
    ]);
    expect(entries[1]).toMatchObject({ before: { client_name: 'Piscine de Bron' }, after: { client_name: 'Piscines de Bron' } });
    expect(JSON.stringify(entries)).not.toContain(registered.body.client_secret);
  });
});
