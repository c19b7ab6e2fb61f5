// The identity FranceConnect certified, as a commune site receives it: only through the sensitive scope
// identite_pivot, once the Métropole approved it for that site, after the citizen's consent, as verified_claims
// read from the FranceConnect link (never the editable profile); nothing of it for a citizen without a link, nor
// for a site without the approval, whatever its request asks by name.
import { insertFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { anAccount, type TestAccount, type TestClient } from '../support/builders.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, exchange, oidc, signInAt, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['oullins'],
    operators: { admin: { role: 'metropole-admin' }, referent: { role: 'commune-referent', communes: ['oullins'] } },
  }),
);

/** FranceConnect's pivot identity for its test citizen (france-connect/fi-mock), with a usage name. */
const PIVOT = {
  given_name: 'Angela Claire Louise',
  family_name: 'DUBOIS',
  preferred_username: 'MARTIN',
  birthdate: '1962-08-24',
  gender: 'female',
  birthplace: '75107',
  birthcountry: '99100',
};

const CONSENT_LABEL = 'votre identité certifiée par FranceConnect';

let linked: TestAccount;
let unlinked: TestAccount;

beforeAll(async () => {
  // The profile says otherwise than FranceConnect: what a site receives as certified is FranceConnect's.
  linked = await anAccount(world.server.accounts, { givenName: 'Angie', familyName: 'Martin' });
  unlinked = await anAccount(world.server.accounts, { givenName: 'Paul', familyName: 'Durand' });
  const link = await insertFederatedIdentity(world.server.pool, {
    provider: 'franceconnect',
    subject: 'fc-sub-angela',
    accountId: linked.id,
    identity: { ...PIVOT, email: linked.email, email_verified: true },
    acr: 'eidas1',
  });
  expect(link).toBeDefined();
});

/** A referent's client asking identite_pivot: created without it, the scope waiting for the Métropole. */
async function aClientAskingThePivot(scope = 'openid profile identite_pivot'): Promise<TestClient & { pendingId: number | undefined }> {
  const redirectUri = `https://site-${Date.now()}-${Math.random().toString(36).slice(2)}.oullins.example.org/cb`;
  const created = await world.api.call(world.referent.bearer, 'POST', '/communes/oullins/clients', {
    client_name: 'Portail état civil',
    redirect_uris: [redirectUri],
    scope,
  });
  expect(created.status).toBe(201);
  expect(created.body.scope).toBe('openid profile');
  const pending = await world.api.call(world.referent.bearer, 'GET', '/scope-requests');
  const request_ = pending.body.items.find((r: { client_id: string }) => r.client_id === created.body.client_id);
  return {
    clientId: created.body.client_id,
    clientSecret: created.body.client_secret,
    commune: 'oullins',
    redirectUri,
    redirectUris: [redirectUri],
    pendingId: request_?.id,
  };
}

async function approvedClient(): Promise<TestClient> {
  const client = await aClientAskingThePivot();
  const approved = await world.api.call(world.admin.bearer, 'POST', `/scope-requests/${client.pendingId}/approve`, {});
  expect(approved.body).toMatchObject({ status: 'approved', scope: 'identite_pivot' });
  return client;
}

/** The code flow at `client` by hand, so that the consent page can be read before it is allowed. */
async function signInReadingConsent(client: TestClient, citizen: TestAccount, extra: Record<string, string>) {
  const agent = new UserAgent(world.server.issuer);
  const config = await discover(world.server.issuer, client);
  const attempt = await startAuthorization(config, client, extra);
  const login = await agent.navigate(attempt.url);
  if (!isPage(login)) throw new Error('expected the login page');
  const consent = await agent.submit(login, { email: citizen.email, password: citizen.password });
  if (!isPage(consent) || !consent.html.includes('value="allow"')) throw new Error('expected the consent page');
  const back = await agent.submit(consent, { decision: 'allow' });
  if (isPage(back)) throw new Error(`expected the site, got ${back.status} ${back.url}`);
  const tokens = await exchange(config, attempt, back.leftTo);
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
  return { consent, idToken: tokens.claims()!, userinfo };
}

const ASK_IN_BOTH = JSON.stringify({ id_token: { verified_claims: null }, userinfo: { verified_claims: null } });

describe('the certified pivot identity released to sites', () => {
  it('is advertised in discovery: the scope, its claim, the trust framework and the claims it holds', async () => {
    const discovery = (await (await fetch(`${world.server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.scopes_supported).toContain('identite_pivot');
    expect(discovery.claims_supported).toContain('verified_claims');
    expect(discovery).toMatchObject({ verified_claims_supported: true, trust_frameworks_supported: ['eidas'] });
    expect(discovery.claims_in_verified_claims_supported).toEqual(expect.arrayContaining(Object.keys(PIVOT)));
  });

  it('waits for the Métropole’s approval: before it, a site asking identite_pivot is refused invalid_scope', async () => {
    const client = await aClientAskingThePivot();
    expect(client.pendingId).toBeDefined();
    const refused = await signInAt(client, new UserAgent(world.server.issuer), linked, { scope: 'openid identite_pivot' }).catch(
      (error: unknown) => (error as { error?: string }).error,
    );
    expect(refused).toBe('invalid_scope');
  });

  it('once approved, gives a linked citizen’s certified identity after consent, as verified_claims in userinfo and the ID token', async () => {
    const client = await approvedClient();
    const { consent, idToken, userinfo } = await signInReadingConsent(client, linked, {
      scope: 'openid profile identite_pivot',
      claims: ASK_IN_BOTH,
    });
    expect(consent.html).toContain(CONSENT_LABEL);
    const expected = {
      verification: { trust_framework: 'eidas', assurance_level: 'low', verification_process: 'franceconnect', time: expect.any(String) },
      claims: PIVOT,
    };
    expect(userinfo.verified_claims).toEqual(expected);
    expect(idToken.verified_claims).toEqual(expected);
    // Taken from the link, not the profile: the profile's own names stay what they are, beside it.
    expect(userinfo).toMatchObject({ given_name: 'Angie', family_name: 'Martin' });
  });

  it('writes the certified identity in the citizen’s sharing journal, by name only', async () => {
    const client = await approvedClient();
    await signInReadingConsent(client, linked, { scope: 'openid identite_pivot' });
    const journal = await world.server.accounts.sharingJournal(linked.id);
    const entry = journal.find((e) => e.clientId === client.clientId && e.channel === 'userinfo');
    expect(entry?.claims).toContain('verified_claims');
    expect(JSON.stringify(journal)).not.toContain('1962-08-24');
  });

  it('gives nothing certified for a citizen without a FranceConnect link, even asked by name', async () => {
    const client = await approvedClient();
    const { consent, idToken, userinfo } = await signInReadingConsent(client, unlinked, {
      scope: 'openid profile identite_pivot',
      claims: ASK_IN_BOTH,
    });
    expect(consent.html).toContain(CONSENT_LABEL);
    expect(userinfo.verified_claims).toBeUndefined();
    expect(idToken.verified_claims).toBeUndefined();
    expect(userinfo).toMatchObject({ given_name: 'Paul', family_name: 'Durand' });
  });

  it('gives a site without the approval nothing of it, though it asks verified_claims by name in the claims parameter', async () => {
    const attacker = await aClientAskingThePivot('openid profile');
    const { idToken, userinfo } = await signInReadingConsent(attacker, linked, { scope: 'openid profile', claims: ASK_IN_BOTH });
    expect(userinfo.verified_claims).toBeUndefined();
    expect(idToken.verified_claims).toBeUndefined();
    expect(JSON.stringify(userinfo)).not.toContain('1962-08-24');
    // Nor by asking the scope itself: it was never approved for this site.
    const refused = await signInAt(attacker, new UserAgent(world.server.issuer), linked, { scope: 'openid identite_pivot' }).catch(
      (error: unknown) => (error as { error?: string }).error,
    );
    expect(refused).toBe('invalid_scope');
  });
});
