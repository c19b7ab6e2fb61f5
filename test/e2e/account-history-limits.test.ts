// How much of a citizen's history the account space shows and exports comes from config/default.json
// (accountHistory): a server tuned to small numbers shows the latest few and exports more, never all.
import { pageAt, signedIn } from '../support/account-space.js';
import { anOidcWorld } from '../support/oidc-world.js';
import type { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const SHOWN = 3;
const EXPORTED = 5;

const world = useWorld(() =>
  anOidcWorld({
    communes: ['bron'],
    accounts: { citizen: {} },
    tune: () => ({ accountHistory: { securityEventsShown: SHOWN, sharingEntriesShown: SHOWN, exportedEntries: EXPORTED } }),
  }),
);
let browser: UserAgent;

beforeAll(async () => {
  for (let i = 0; i < EXPORTED + 2; i++) await world.server.accounts.selfService.recordEvent(world.citizen.id, 'profile_updated');
  browser = await signedIn(world.server.issuer, world.citizen);
});

describe('the history kept in the account space', () => {
  it('shows the latest accountHistory.securityEventsShown events, the sign-in first', async () => {
    const page = await pageAt(browser, '/account/history');
    const items = [...page.html.matchAll(/<li><time /g)];
    expect(items).toHaveLength(SHOWN);
    expect((await world.server.accounts.securityHistory(world.citizen.id)).map((event) => event.kind)).toEqual([
      'login',
      'profile_updated',
      'profile_updated',
    ]);
  });

  it('exports at most accountHistory.exportedEntries events, more than the page shows', async () => {
    const exported = (await (await browser.request('/account/export.json')).json()) as { security_history: { event: string }[] };
    expect(exported.security_history).toHaveLength(EXPORTED);
  });
});
