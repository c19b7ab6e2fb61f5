// Builders for the things tests need: a commune, a client of it, an account.
import { randomBytes } from 'node:crypto';
import type { Account, Accounts } from '../../src/accounts/index.js';
import type { ClientRequest, Commune, CommuneInput, Registry } from '../../src/registry/index.js';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

export type CommuneOverrides = Partial<CommuneInput>;

export async function aCommune(registry: Registry, overrides: CommuneOverrides = {}): Promise<Commune> {
  const slug = overrides.slug ?? `commune-${unique()}`;
  return registry.addCommune({ ...overrides, slug, name: overrides.name ?? `Commune ${slug}` });
}

export interface TestClient {
  clientId: string;
  clientSecret: string | undefined;
  commune: string;
  redirectUri: string;
  redirectUris: string[];
}

export type ClientOverrides = Partial<ClientRequest> & { isFirstParty?: boolean; isOperatorTool?: boolean };

export async function aClient(registry: Registry, commune: string, overrides: ClientOverrides = {}): Promise<TestClient> {
  const redirectUri = overrides.redirectUris?.[0] ?? `https://rp-${unique()}.example.org/callback`;
  const { isFirstParty, isOperatorTool, ...request } = overrides;
  const { client, clientSecret } = await registry.addClient(
    commune,
    {
      name: `Site ${unique()}`,
      redirectUris: [redirectUri],
      ...request,
    },
    { isFirstParty, isOperatorTool },
  );
  return { clientId: client.clientId, clientSecret, commune, redirectUri, redirectUris: client.metadata.redirect_uris };
}

export const A_PASSWORD = 'une phrase de passe très longue';

export type AccountOverrides = Partial<{ email: string; password: string; givenName: string; familyName: string }>;
/** An account with the password it was registered with, to sign in as it. */
export type TestAccount = Account & { password: string };

export async function anAccount(accounts: Accounts, overrides: AccountOverrides = {}): Promise<TestAccount> {
  const password = overrides.password ?? A_PASSWORD;
  const account = await accounts.register({
    email: overrides.email ?? `citoyen-${unique()}@example.org`,
    password,
    givenName: overrides.givenName ?? 'Jeanne',
    familyName: overrides.familyName ?? 'Dupont',
    emailVerified: true,
  });
  return { ...account, password };
}
