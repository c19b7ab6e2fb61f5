// The storage contract oidc-provider relies on, run against the library's own memory adapter and ours:
// whatever both must do alike. Our stricter single-use rules are in adapter.test.ts.
import { randomBytes } from 'node:crypto';
import type { AdapterFactory, AdapterPayload } from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { createAdapterFactory } from '../../src/oidc/adapter.js';
import { freshDatabase } from '../support/database.js';
import { testSecrets } from '../support/stored-payloads.js';

interface AdapterUnderTest {
  adapterFor: AdapterFactory;
  close(): Promise<void>;
}

const TTL_SECONDS = 600;
const anId = () => randomBytes(12).toString('base64url');

function aToken(overrides: AdapterPayload = {}): AdapterPayload {
  return {
    kind: 'AccessToken',
    jti: anId(),
    accountId: 'account-1',
    clientId: 'lyon-site',
    grantId: anId(),
    scope: 'openid email',
    iat: 1_790_000_000,
    exp: 1_790_000_600,
    ...overrides,
  };
}

function describeAdapterContract(name: string, makeAdapterFactory: () => Promise<AdapterUnderTest>): void {
  describe(`${name}: the adapter contract`, () => {
    let subject: AdapterUnderTest;
    const adapter = (model: string) => subject.adapterFor(model);

    beforeAll(async () => {
      subject = await makeAdapterFactory();
    });
    afterAll(async () => {
      await subject.close();
    });

    it('finds what it upserted, unchanged', async () => {
      const id = anId();
      const payload = aToken({
        jti: id,
        claims: { userinfo: { email: { essential: true } } },
        extra: { commune: 'Vaulx-en-Velin', accents: 'éàü — ✓', nested: { list: [1, 'two', null, false] } },
      });
      await adapter('AccessToken').upsert(id, structuredClone(payload), TTL_SECONDS);
      expect(await adapter('AccessToken').find(id)).toEqual(payload);
    });

    it('answers undefined for what it never stored', async () => {
      expect(await adapter('AccessToken').find(anId())).toBeUndefined();
      expect(await adapter('Session').findByUid(anId())).toBeUndefined();
      expect(await adapter('DeviceCode').findByUserCode('NEVER-SEEN')).toBeUndefined();
    });

    it('replaces the payload upserted again under the same id', async () => {
      const id = anId();
      await adapter('Interaction').upsert(id, { kind: 'Interaction', jti: id, params: { step: 1 } }, TTL_SECONDS);
      await adapter('Interaction').upsert(id, { kind: 'Interaction', jti: id, params: { step: 2 } }, TTL_SECONDS);
      expect(await adapter('Interaction').find(id)).toEqual({ kind: 'Interaction', jti: id, params: { step: 2 } });
    });

    it('keeps models apart', async () => {
      const id = anId();
      await adapter('AccessToken').upsert(id, aToken({ jti: id, scope: 'openid' }), TTL_SECONDS);
      await adapter('RefreshToken').upsert(id, aToken({ kind: 'RefreshToken', jti: id, scope: 'openid email' }), TTL_SECONDS);
      expect((await adapter('AccessToken').find(id))?.scope).toBe('openid');
      expect((await adapter('RefreshToken').find(id))?.scope).toBe('openid email');
    });

    it('finds a session by its uid, and by its new uid only once it changes', async () => {
      const id = anId();
      const [firstUid, secondUid] = [anId(), anId()];
      await adapter('Session').upsert(id, { kind: 'Session', jti: id, uid: firstUid, accountId: 'account-1' }, TTL_SECONDS);
      expect(await adapter('Session').findByUid(firstUid)).toEqual({ kind: 'Session', jti: id, uid: firstUid, accountId: 'account-1' });
      await adapter('Session').upsert(id, { kind: 'Session', jti: id, uid: secondUid, accountId: 'account-1' }, TTL_SECONDS);
      expect(await adapter('Session').findByUid(firstUid)).toBeUndefined();
      expect((await adapter('Session').findByUid(secondUid))?.jti).toBe(id);
    });

    it('finds a device code by its user code', async () => {
      const id = anId();
      const userCode = `LYON-${randomBytes(3).toString('hex').toUpperCase()}`;
      await adapter('DeviceCode').upsert(id, { kind: 'DeviceCode', jti: id, userCode, clientId: 'lyon-tv' }, TTL_SECONDS);
      expect(await adapter('DeviceCode').findByUserCode(userCode)).toEqual({ kind: 'DeviceCode', jti: id, userCode, clientId: 'lyon-tv' });
    });

    it('marks a consumed code with the epoch second it was consumed', async () => {
      const id = anId();
      await adapter('AuthorizationCode').upsert(id, aToken({ kind: 'AuthorizationCode', jti: id }), TTL_SECONDS);
      expect((await adapter('AuthorizationCode').find(id))?.consumed).toBeUndefined();
      const before = Math.floor(Date.now() / 1000);
      await adapter('AuthorizationCode').consume(id);
      const after = Math.ceil(Date.now() / 1000);
      const consumed = (await adapter('AuthorizationCode').find(id))?.consumed as number;
      expect(Number.isInteger(consumed)).toBe(true);
      expect(consumed).toBeGreaterThanOrEqual(before - 1);
      expect(consumed).toBeLessThanOrEqual(after);
    });

    it('forgets a destroyed artefact, under its id and its uid', async () => {
      const id = anId();
      const uid = anId();
      await adapter('Session').upsert(id, { kind: 'Session', jti: id, uid, accountId: 'account-1' }, TTL_SECONDS);
      expect(await adapter('Session').findByUid(uid)).toBeDefined();
      await adapter('Session').destroy(id);
      expect(await adapter('Session').find(id)).toBeUndefined();
      expect(await adapter('Session').findByUid(uid)).toBeUndefined();
    });

    it('revokes every token of a grant and nothing of another grant', async () => {
      const [revoked, kept] = [anId(), anId()];
      const ids = { code: anId(), access: anId(), refresh: anId(), other: anId() };
      await adapter('AuthorizationCode').upsert(
        ids.code,
        aToken({ kind: 'AuthorizationCode', jti: ids.code, grantId: revoked }),
        TTL_SECONDS,
      );
      await adapter('AccessToken').upsert(ids.access, aToken({ jti: ids.access, grantId: revoked }), TTL_SECONDS);
      await adapter('RefreshToken').upsert(ids.refresh, aToken({ kind: 'RefreshToken', jti: ids.refresh, grantId: revoked }), TTL_SECONDS);
      await adapter('AccessToken').upsert(ids.other, aToken({ jti: ids.other, grantId: kept }), TTL_SECONDS);

      await Promise.all(['AuthorizationCode', 'AccessToken', 'RefreshToken'].map((model) => adapter(model).revokeByGrantId(revoked)));

      expect(await adapter('AuthorizationCode').find(ids.code)).toBeUndefined();
      expect(await adapter('AccessToken').find(ids.access)).toBeUndefined();
      expect(await adapter('RefreshToken').find(ids.refresh)).toBeUndefined();
      expect((await adapter('AccessToken').find(ids.other))?.grantId).toBe(kept);
    });
  });
}

describeAdapterContract('oidc-provider memory adapter', async () => ({
  adapterFor: createMemoryAdapter(),
  close: async () => undefined,
}));

describeAdapterContract('GrandLyonConnect Postgres adapter', async () => {
  const database = await freshDatabase();
  return {
    adapterFor: createAdapterFactory(
      database.pool,
      { find: async () => undefined, upsert: async () => undefined, destroy: async () => undefined },
      testSecrets,
    ),
    close: () => database.drop(),
  };
});
