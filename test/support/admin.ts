// Operators' API helpers: operators made with the domain, tokens asked like any program would.
import { aClient, type TestClient } from './builders.js';
import { discover, oidc } from './relying-party.js';
import type { TestServer } from './server.js';

export const adminAudienceOf = (server: TestServer) => `${server.issuer}/admin/api/v1`;

/** The server's own operators room (its invitations mail through the server's outbox). */
export function operatorsOf(server: TestServer) {
  return server.operators;
}

/** A service client of `commune` with client credentials, made an operator with `role` over `communes`. */
export async function anOperatorClient(server: TestServer, commune: string, role?: string, communes: string[] = []): Promise<TestClient> {
  const client = await aClient(server.registry, commune, { grantTypes: ['client_credentials'], redirectUris: [], scope: 'openid' });
  if (role) await operatorsOf(server).grant({ clientId: client.clientId }, role, communes, { actor: 'test' });
  return client;
}

/** A client-credentials token for the operators' API; `resource: null` asks for one without the API's resource. */
export async function adminToken(server: TestServer, client: TestClient, resource: string | null = adminAudienceOf(server)): Promise<string> {
  const config = await discover(server.issuer, client);
  const tokens = await oidc.clientCredentialsGrant(config, { scope: 'admin', ...(resource ? { resource } : {}) });
  return tokens.access_token;
}
