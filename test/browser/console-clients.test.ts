// A referent of Oullins in Chromium registers a service, rotates its secret with the default overlap, and the
// token endpoint takes the old secret while the overlap runs and refuses it once the database's clock passes
// its end (set in SQL, not waited for). Lyon's clients are neither listed nor opened.
import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { anOperatorPerson } from '../support/console.js';
import { discover, oidc } from '../support/relying-party.js';
import { allMessages, signInToConsole } from './console-support.js';
import { startBrowserWorld, type BrowserWorld } from './support.js';

let world: BrowserWorld;
beforeAll(async () => {
  world = await startBrowserWorld();
  await aCommune(world.server.registry, { slug: 'oullins', name: 'Oullins' });
  await aCommune(world.server.registry, { slug: 'lyon', name: 'Lyon' });
}, 60_000);
afterAll(async () => world.stop());

/** A client-credentials token with this secret, or the OAuth error the token endpoint answered. */
async function tokenWith(client: TestClient, secret: string): Promise<string> {
  const config = await discover(world.server.issuer, { ...client, clientSecret: secret });
  try {
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'openid' });
    return tokens.access_token ? 'token' : 'no token';
  } catch (error) {
    // A refused client_secret_basic is a 401 whose error openid-client reads from WWW-Authenticate.
    const refusal = error as { error?: string; cause?: { parameters?: { error?: string } }[] };
    return refusal.error ?? refusal.cause?.[0]?.parameters?.error ?? String(error);
  }
}

describe("a commune's clients in the console, in a browser", () => {
  it('registers a service, rotates its secret with an overlap the old secret lives through, then not past it', async () => {
    const text = allMessages('fr');
    const lyonSite = await aClient(world.server.registry, 'lyon', { name: 'Site de Lyon' });
    const referent = await anOperatorPerson(world.server, await anAccount(world.server.accounts), 'commune-referent', ['oullins']);
    const page = await world.newPage();
    await signInToConsole(page, world.server, referent, '/admin/communes/oullins/clients');
    await page.getByRole('heading', { level: 1, name: 'Sites et services — Oullins', exact: true }).waitFor();
    expect(await page.getByText('Site de Lyon').count()).toBe(0);

    await page.getByRole('link', { name: text['console.clients.add'], exact: true }).click();
    await page.getByLabel(text['console.clients.fields.client_name']!, { exact: true }).fill('Agenda des associations');
    await page.getByLabel(text['console.clients.grants.authorization_code']!, { exact: true }).uncheck();
    await page.getByLabel(text['console.clients.grants.refresh_token']!, { exact: true }).uncheck();
    await page.getByLabel(text['console.clients.grants.client_credentials']!, { exact: true }).check();
    await page.getByLabel(text['console.clients.fields.scope']!, { exact: true }).fill('openid');
    await page.getByRole('button', { name: text['console.clients.create'], exact: true }).click();
    await page.getByText(text['console.clients.secret.once']!, { exact: true }).waitFor();
    const [clientId, secret] = await page.locator('code.secret-once').allTextContents();
    const service: TestClient = { clientId: clientId!, clientSecret: secret, commune: 'oullins', redirectUri: '', redirectUris: [] };
    expect(await tokenWith(service, secret!)).toBe('token');

    await page.getByRole('link', { name: text['console.clients.secret.continue'], exact: true }).click();
    await page.getByRole('link', { name: text['console.clients.rotate.link'], exact: true }).click();
    // The deployment's default overlap (operatorsApi.secretRotationOverlapSeconds, 7 days) is the one chosen.
    expect(await page.getByLabel(text['console.clients.rotate.overlap']!, { exact: true }).inputValue()).toBe('604800');
    await page.getByRole('button', { name: text['console.clients.rotate.submit'], exact: true }).click();
    await page.getByText(text['console.clients.secret.once']!, { exact: true }).waitFor();
    const [, fresh] = await page.locator('code.secret-once').allTextContents();
    expect(fresh).not.toBe(secret);

    expect(await tokenWith(service, secret!)).toBe('token');
    expect(await tokenWith(service, fresh!)).toBe('token');
    await page.getByRole('link', { name: text['console.clients.secret.continue'], exact: true }).click();
    await page.getByText(text['console.clients.secret.current']!, { exact: true }).waitFor();
    expect(await page.getByText(/^Ancien secret valable jusqu’au /).count()).toBe(1);
    expect(await page.content()).not.toContain(fresh!);

    // The overlap ends by the database's clock.
    await world.server.pool.query(`update clients set previous_secret_expires_at = now() - interval '1 second' where client_id = $1`, [
      clientId,
    ]);
    expect(await tokenWith(service, secret!)).toBe('invalid_client');
    expect(await tokenWith(service, fresh!)).toBe('token');
    await page.reload();
    await page.getByText(text['console.clients.secret.current']!, { exact: true }).waitFor();
    expect(await page.getByText(/^Ancien secret valable jusqu’au /).count()).toBe(0);

    // Lyon's clients: not in Oullins' list, and their pages refused when typed in.
    await page.goto(`${world.server.issuer}/admin/communes/oullins/clients`);
    expect(await page.getByRole('link', { name: 'Agenda des associations', exact: true }).count()).toBe(1);
    expect(await page.getByText('Site de Lyon').count()).toBe(0);
    for (const path of ['/admin/communes/lyon/clients', `/admin/communes/lyon/clients/${lyonSite.clientId}`]) {
      const refused = await page.goto(`${world.server.issuer}${path}`);
      expect(refused?.status()).toBe(403);
      expect(await page.getByText('Site de Lyon').count()).toBe(0);
    }
  });
});
