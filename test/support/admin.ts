// Operators' API helpers: operators made with the domain, tokens asked like any program would.
import { aClient, type TestClient } from './builders.js';
import { discover, exchange, oidc, signIn, startAuthorization, type Credentials } from './relying-party.js';
import type { TestServer } from './server.js';
import { TestAuthenticator } from './second-factor.js';
import { UserAgent } from './user-agent.js';

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
export async function adminToken(
  server: TestServer,
  client: TestClient,
  resource: string | null = adminAudienceOf(server),
): Promise<string> {
  const config = await discover(server.issuer, client);
  const tokens = await oidc.clientCredentialsGrant(config, { scope: 'admin', ...(resource ? { resource } : {}) });
  return tokens.access_token;
}

/** An operator program: a client-credentials client of `commune` holding `role` over `communes`. */
export interface OperatorSpec {
  role: string;
  commune?: string;
  communes?: string[];
}

/** An operator program, its token for the operators' API and that token as an `Authorization` value. */
export type TestOperator = TestClient & { token: string; bearer: string };

export async function anOperator(
  server: TestServer,
  commune: string,
  { role, communes }: Omit<OperatorSpec, 'commune'>,
): Promise<TestOperator> {
  const client = await anOperatorClient(server, commune, role, communes);
  const token = await adminToken(server, client);
  return { ...client, token, bearer: `Bearer ${token}` };
}

/**
 * The tokens a person gets by signing in at an operator tool (an operators' console) with the admin scope
 * and the API's resource, at authorization and at the token endpoint alike.
 */
export async function operatorTokensAt(
  server: TestServer,
  tool: TestClient,
  credentials: Credentials,
  agent = new UserAgent(server.issuer),
) {
  const resource = adminAudienceOf(server);
  const config = await discover(server.issuer, tool);
  const attempt = await startAuthorization(config, tool, { scope: 'openid admin', resource });
  const withFactor = { ...credentials, secondFactor: credentials.secondFactor ?? (await secondFactorOf(server, credentials.email)) };
  return exchange(config, attempt, await signIn(agent, attempt, withFactor), { resource });
}

const recoveryCodes = new Map<string, string[]>();

/**
 * An authenticator app for the account of `email` (set up once), and recovery codes as its fresh codes: an
 * operator signs in with two factors, and a test may sign in more often than once a time step.
 */
export async function secondFactorOf(server: TestServer, email: string): Promise<() => string> {
  const account = await server.accounts.findByEmail(email);
  if (!account) throw new Error(`no account ${email}`);
  const { factors } = server;
  if (!(await factors.hasTotp(account.id))) {
    const started = await factors.startTotp(account.id, email);
    if (!started) throw new Error('enrolment refused');
    const codes = await factors.confirmTotp(account.id, new TestAuthenticator(started.secret).code());
    if (!codes) throw new Error('first code refused');
    recoveryCodes.set(account.id, codes);
  }
  if (!recoveryCodes.get(account.id)?.length) recoveryCodes.set(account.id, await factors.regenerateRecoveryCodes(account.id));
  return () => {
    const code = recoveryCodes.get(account.id)?.shift();
    if (!code) throw new Error('out of recovery codes: call secondFactorOf again');
    return code;
  };
}
