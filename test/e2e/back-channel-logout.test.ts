import { createServer, type Server } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

let server: TestServer;
let receiver: Server;
let receiverPort: number;
const logoutTokens: string[] = [];
let waiting: (() => void) | undefined;

beforeAll(async () => {
  server = await startTestServer();
  receiverPort = await freePort();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
      waiting?.();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await server.stop();
});

describe('back-channel logout', () => {
  let site: TestClient;

  beforeAll(async () => {
    await aCommune(server.registry, { slug: 'bron' });
    site = await aClient(server.registry, 'bron', {
      backchannelLogoutUri: `http://127.0.0.1:${receiverPort}/backchannel-logout`,
      postLogoutRedirectUris: ['https://bron.example.org/bye'],
    });
  });

  it('sends a signed logout token to the site when the citizen signs out', async () => {
    const citizen = await anAccount(server.accounts);
    const agent = new UserAgent(server.issuer);
    const config = await discover(server.issuer, site);
    const attempt = await startAuthorization(config, site);
    const tokens = await exchange(config, attempt, await signIn(agent, attempt, citizen));
    const idClaims = tokens.claims()!;

    const received = new Promise<void>((resolve) => { waiting = resolve; });
    const confirmation = await agent.navigate(oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://bron.example.org/bye',
    }).toString());
    if (!('html' in confirmation)) throw new Error('expected the logout confirmation page');
    await agent.submit(confirmation, { logout: 'yes' });
    await received;

    expect(logoutTokens).toHaveLength(1);
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(logoutTokens[0]!, jwks, { issuer: server.issuer, audience: site.clientId });
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.sub).toBe(idClaims.sub);
    expect(payload.sid).toBe(idClaims.sid);
    expect(payload.nonce).toBeUndefined();
  });
});
