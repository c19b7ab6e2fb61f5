// What the account space knows of each signed-in browser: one row per session, refreshed when seen
// again, listed per account, forgotten once the provider's session is gone.
import { randomBytes } from 'node:crypto';
import type { AdapterFactory } from 'oidc-provider';
import { createAdapterFactory } from '../../src/oidc/adapter.js';
import { deleteOrphanSessionActivity, listSessionActivity, recordSessionActivity } from '../../src/oidc/session-activity-repository.js';
import { useFreshDatabase } from '../support/database.js';
import { testSecrets } from '../support/stored-payloads.js';

const anId = () => randomBytes(12).toString('base64url');
const noClients = { find: async () => undefined, upsert: async () => undefined, destroy: async () => undefined };

const database = useFreshDatabase();
let adapter: AdapterFactory;

beforeAll(async () => {
  adapter = createAdapterFactory(database.pool, noClients, testSecrets);
});

/** A provider session of the account, as the library stores it; answers its id and uid. */
async function aSession(accountId: string): Promise<{ id: string; uid: string }> {
  const session = { id: anId(), uid: anId() };
  await adapter('Session').upsert(session.id, { jti: session.id, uid: session.uid, accountId, kind: 'Session' }, 600);
  return session;
}

describe('session activity', () => {
  it('keeps one row per session, with the browser and address last seen', async () => {
    const accountId = `account-${anId()}`;
    const { uid } = await aSession(accountId);
    await recordSessionActivity(database.pool, { uid, accountId, userAgent: 'Firefox', ip: '192.0.2.1' });
    await recordSessionActivity(database.pool, { uid, accountId, userAgent: 'Firefox 2', ip: '192.0.2.2' });
    const [seen, ...others] = await listSessionActivity(database.pool, accountId);
    expect(others).toEqual([]);
    expect(seen).toMatchObject({ uid, userAgent: 'Firefox 2', ip: '192.0.2.2' });
    expect(seen!.lastSeenAt.getTime()).toBeGreaterThanOrEqual(seen!.firstSeenAt.getTime());
  });

  it('lists only the sessions of the account asked, and keeps a long user agent to its first 300 characters', async () => {
    const [mine, theirs] = [`account-${anId()}`, `account-${anId()}`];
    const { uid } = await aSession(mine);
    await recordSessionActivity(database.pool, { uid, accountId: mine, userAgent: 'x'.repeat(5000) });
    await recordSessionActivity(database.pool, { uid: (await aSession(theirs)).uid, accountId: theirs });
    const listed = await listSessionActivity(database.pool, mine);
    expect(listed.map((activity) => activity.uid)).toEqual([uid]);
    expect(listed[0]!.userAgent).toBe('x'.repeat(300));
    expect(listed[0]!.ip).toBeUndefined();
  });

  it('forgets the activity of a session that ended, and only that one', async () => {
    const accountId = `account-${anId()}`;
    const [ended, live] = [await aSession(accountId), await aSession(accountId)];
    for (const { uid } of [ended, live]) await recordSessionActivity(database.pool, { uid, accountId });
    await adapter('Session').destroy(ended.id);
    expect(await deleteOrphanSessionActivity(database.pool)).toBeGreaterThanOrEqual(1);
    expect((await listSessionActivity(database.pool, accountId)).map((activity) => activity.uid)).toEqual([live.uid]);
  });
});
