// Our Postgres adapter beyond the shared contract: expiry on read, single use of codes and refresh
// tokens under races, grant revocation, clients read from the registry, and the sweeping of expired rows.
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import type { AdapterFactory, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { createAdapterFactory, type ClientStore } from '../../src/oidc/adapter.js';
import { deleteExpiredPayloads, findLatestGrantId } from '../../src/oidc/payload-repository.js';
import { useFreshDatabase } from '../support/database.js';
import { testSecrets } from '../support/stored-payloads.js';

const TTL_SECONDS = 600;
const anId = () => randomBytes(12).toString('base64url');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const LYON_SITE: AdapterPayload = { client_id: 'lyon-site', client_secret: 's3cret', redirect_uris: ['https://www.lyon.fr/cb'] };
const registered = new Map<string, AdapterPayload>([['lyon-site', LYON_SITE]]);
const clients = {
  find: jest.fn<ClientStore['find']>(async (clientId) => registered.get(clientId)),
  upsert: jest.fn<ClientStore['upsert']>(async (clientId, payload) => {
    registered.set(clientId, payload);
  }),
  destroy: jest.fn<ClientStore['destroy']>(async (clientId) => {
    registered.delete(clientId);
  }),
} satisfies ClientStore;

const database = useFreshDatabase();
let adapter: AdapterFactory;

beforeAll(async () => {
  adapter = createAdapterFactory(database.pool, clients, testSecrets);
});

async function aStored(model: string, overrides: AdapterPayload = {}, expiresIn = TTL_SECONDS): Promise<string> {
  const id = anId();
  await adapter(model).upsert(id, { kind: model, jti: id, accountId: 'account-1', clientId: 'lyon-site', ...overrides }, expiresIn);
  return id;
}

describe('clients', () => {
  it('reads clients through the registry', async () => {
    expect(await adapter('Client').find('lyon-site')).toEqual(LYON_SITE);
    expect(clients.find).toHaveBeenCalledWith('lyon-site');
    expect(await adapter('Client').find('unknown-site')).toBeUndefined();
  });

  it('writes and deletes clients through the registry (dynamic registration), never in oidc_payloads', async () => {
    await adapter('Client').upsert('registered', { client_id: 'registered' }, TTL_SECONDS);
    expect(clients.upsert).toHaveBeenCalledWith('registered', { client_id: 'registered' });
    expect(await adapter('Client').find('registered')).toEqual({ client_id: 'registered' });
    const { rows } = await database.pool.query(`select 1 from oidc_payloads where model = 'Client'`);
    expect(rows).toHaveLength(0);
    await adapter('Client').destroy('registered');
    expect(await adapter('Client').find('registered')).toBeUndefined();
  });
});

describe('credentials at rest', () => {
  it('finds a token by its value, never by the key a dump shows it under', async () => {
    const id = await aStored('RefreshToken', { grantId: anId() });
    const { rows } = await database.pool.query<{ id: string; payload: AdapterPayload }>(
      `select id, payload from oidc_payloads where model = 'RefreshToken'`,
    );
    const row = rows.find((r) => r.id !== id && !JSON.stringify(r.payload).includes(id));
    expect(row).toBeDefined();
    expect(await adapter('RefreshToken').find(row!.id)).toBeUndefined();
    await expect(adapter('RefreshToken').consume(row!.id)).rejects.toBeInstanceOf(errors.InvalidGrant);
    expect((await adapter('RefreshToken').find(id))?.jti).toBe(id);
  });

  it('gives back the id of a session found by its uid, and of a device code found by its user code', async () => {
    const uid = anId();
    const session = await aStored('Session', { uid });
    expect((await adapter('Session').findByUid(uid))?.jti).toBe(session);
    const deviceCode = await aStored('DeviceCode', { userCode: 'LMNP-QRST' });
    expect((await adapter('DeviceCode').findByUserCode('LMNP-QRST'))?.jti).toBe(deviceCode);
  });
});

describe('sessions of nobody', () => {
  it('keeps no row for a session that names nobody and carries no form, and forgets the one it replaces', async () => {
    const id = anId();
    const uid = anId();
    await adapter('Session').upsert(id, { kind: 'Session', jti: id, uid, state: { secret: anId() } }, TTL_SECONDS);
    expect(await adapter('Session').findByUid(uid)).toBeDefined();
    await adapter('Session').upsert(id, { kind: 'Session', jti: id, uid }, TTL_SECONDS);
    expect(await adapter('Session').find(id)).toBeUndefined();
    expect(await adapter('Session').findByUid(uid)).toBeUndefined();
  });
});

describe('single use', () => {
  it.each(['AuthorizationCode', 'RefreshToken'])('refuses a %s used twice', async (model) => {
    const id = await aStored(model, { grantId: anId() });
    await adapter(model).consume(id);
    await expect(adapter(model).consume(id)).rejects.toBeInstanceOf(errors.InvalidGrant);
    expect((await adapter(model).find(id))?.consumed).toEqual(expect.any(Number));
  });

  it('refuses to consume a code it never issued', async () => {
    await expect(adapter('AuthorizationCode').consume(anId())).rejects.toBeInstanceOf(errors.InvalidGrant);
  });

  it('lets exactly one of twenty parallel redemptions of one code win', async () => {
    const id = await aStored('AuthorizationCode', { grantId: anId() });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => adapter('AuthorizationCode').consume(id)));
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const { reason } of refused) expect(reason).toBeInstanceOf(errors.InvalidGrant);
  });

  it('keeps the first consumption time when consumed again', async () => {
    const id = await aStored('Interaction');
    await adapter('Interaction').consume(id);
    const first = (await adapter('Interaction').find(id))?.consumed;
    await adapter('Interaction').consume(id);
    expect((await adapter('Interaction').find(id))?.consumed).toBe(first);
  });
});

describe('grant revocation', () => {
  it('removes every artefact of the grant, whichever model revokes it, and only those', async () => {
    const [revoked, kept] = [anId(), anId()];
    const ofRevoked = {
      AuthorizationCode: await aStored('AuthorizationCode', { grantId: revoked }),
      AccessToken: await aStored('AccessToken', { grantId: revoked }),
      RefreshToken: await aStored('RefreshToken', { grantId: revoked }),
      DeviceCode: await aStored('DeviceCode', { grantId: revoked, userCode: 'BCDF-GHJK' }),
    };
    const ofKept = await aStored('RefreshToken', { grantId: kept });
    const session = await aStored('Session', { uid: anId() });
    const consentPage = await aStored('Interaction', { grantId: revoked });

    await adapter('AccessToken').revokeByGrantId(revoked);

    for (const [model, id] of Object.entries(ofRevoked)) expect(await adapter(model).find(id)).toBeUndefined();
    expect(await adapter('DeviceCode').findByUserCode('BCDF-GHJK')).toBeUndefined();
    expect((await adapter('RefreshToken').find(ofKept))?.grantId).toBe(kept);
    expect(await adapter('Session').find(session)).toBeDefined();
    expect(await adapter('Interaction').find(consentPage)).toBeDefined();
  });
});

describe('findLatestGrantId', () => {
  it('finds the newest live grant an account gave a client', async () => {
    const accountId = anId();
    await aStored('Grant', { accountId, clientId: 'lyon-site' });
    await sleep(5);
    const newest = await aStored('Grant', { accountId, clientId: 'lyon-site' });
    await aStored('Grant', { accountId, clientId: 'bron-site' });
    expect(await findLatestGrantId(database.pool, accountId, 'lyon-site')).toBe(newest);
  });

  it('finds nothing for a client the account never consented to', async () => {
    const accountId = anId();
    await aStored('Grant', { accountId, clientId: 'bron-site' });
    expect(await findLatestGrantId(database.pool, accountId, 'lyon-site')).toBeUndefined();
  });
});

describe('expiry', () => {
  const expired: Record<string, string> = {};
  let live: string;
  let expiredUid: string;

  beforeAll(async () => {
    expiredUid = anId();
    expired.AccessToken = await aStored('AccessToken', {}, 1);
    expired.Session = await aStored('Session', { uid: expiredUid }, 1);
    expired.DeviceCode = await aStored('DeviceCode', { userCode: 'WXYZ-1234' }, 1);
    expired.Grant = await aStored('Grant', { accountId: 'account-expired', clientId: 'lyon-site' }, 1);
    expired.Interaction = await aStored('Interaction', {}, 1);
    live = await aStored('AccessToken', {}, TTL_SECONDS);
    await sleep(1_200);
  });

  it('no longer finds an artefact past its expiry', async () => {
    expect(await adapter('AccessToken').find(expired.AccessToken!)).toBeUndefined();
    expect(await adapter('AccessToken').find(live)).toBeDefined();
  });

  it('no longer finds an expired session by uid, nor an expired device code by user code', async () => {
    expect(await adapter('Session').findByUid(expiredUid)).toBeUndefined();
    expect(await adapter('DeviceCode').findByUserCode('WXYZ-1234')).toBeUndefined();
  });

  it('no longer offers an expired grant for consent', async () => {
    expect(await findLatestGrantId(database.pool, 'account-expired', 'lyon-site')).toBeUndefined();
  });

  it('sweeps expired rows in batches of the given size and keeps live ones', async () => {
    const batches: number[] = [];
    let deleted: number;
    do {
      deleted = await deleteExpiredPayloads(database.pool, 2);
      batches.push(deleted);
    } while (deleted > 0);
    expect(batches).toEqual([2, 2, 1, 0]);
    expect(Object.keys(expired)).toHaveLength(5);
    expect(await adapter('AccessToken').find(live)).toBeDefined();
  });
});
