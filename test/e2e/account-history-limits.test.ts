// How much of a citizen's history the account space shows and exports comes from config/default.json
// (accountHistory): a server tuned to small numbers shows the latest few and exports more, never all.
import { anAccount, type TestAccount } from '../support/builders.js';
import { pageAt, signedIn } from '../support/account-space.js';
import { startTestServer, type TestServer } from '../support/server.js';
import type { UserAgent } from '../support/user-agent.js';

const SHOWN = 3;
const EXPORTED = 5;

let server: TestServer;
let citizen: TestAccount;
let browser: UserAgent;

beforeAll(async () => {
  server = await startTestServer({}, undefined, () => ({ accountHistory: { securityEventsShown: SHOWN, sharingEntriesShown: SHOWN, exportedEntries: EXPORTED } }));
  citizen = await anAccount(server.accounts);
  for (let i = 0; i < EXPORTED + 2; i++) await server.accounts.selfService.recordEvent(citizen.id, 'profile_updated');
  browser = await signedIn(server.issuer, citizen);
});

afterAll(async () => {
  await server.stop();
});

describe('the history kept in the account space', () => {
  it('shows the latest accountHistory.securityEventsShown events, the sign-in first', async () => {
    const page = await pageAt(browser, '/account/history');
    const items = [...page.html.matchAll(/<li><time /g)];
    expect(items).toHaveLength(SHOWN);
    expect((await server.accounts.securityHistory(citizen.id)).map((event) => event.kind)).toEqual(['login', 'profile_updated', 'profile_updated']);
  });

  it('exports at most accountHistory.exportedEntries events, more than the page shows', async () => {
    const exported = (await (await browser.request('/account/export.json')).json()) as { security_history: { event: string }[] };
    expect(exported.security_history).toHaveLength(EXPORTED);
  });
});
