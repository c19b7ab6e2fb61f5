// Client-credentials tokens as JWTs (RFC 9068) for the clients the registry opted in: verified by a resource
// server with our JWKS alone, stored nowhere, never introspected (the signature answers); opaque stays the default. As
// the attacker: a token for one API refused by another and by the operators' API, a client not opted in (or
// self-registered) asking for one, a forged signature.
import { createRemoteJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import request from 'supertest';
import { aClient, type TestClient } from '../support/builders.js';
import { expectRefusal, glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover } from '../support/relying-party.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['lyon', 'oullins'] }));
const API_A = 'https://api.lyon.example.org/voirie';
const API_B = 'https://api.oullins.example.org/cantine';

const aService = (overrides: Parameters<typeof aClient>[2] = {}) =>
  aClient(world.server.registry, 'lyon', { grantTypes: ['client_credentials'], redirectUris: [], scope: 'openid', ...overrides });
const aJwtService = () => aService({ resources: [API_A], accessTokenFormat: 'jwt' });

async function tokenFor(client: TestClient, resource?: string): Promise<string> {
  const config = await discover(world.server.issuer, client);
  return (await oidc.clientCredentialsGrant(config, resource ? { resource } : {})).access_token;
}

/** A resource server's own check: our JWKS fetched from discovery's jwks_uri, its own audience. */
async function resourceServerVerifies(token: string, audience: string) {
  const { jwks_uri: jwksUri } = (await (await fetch(`${world.server.issuer}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
  };
  const jwks = createRemoteJWKSet(new URL(jwksUri));
  return jwtVerify(token, jwks, { issuer: world.server.issuer, audience, typ: 'at+jwt', algorithms: ['ES256'] });
}

const storedPayloads = async () =>
  Number((await world.server.pool.query<{ n: string }>('select count(*) as n from oidc_payloads')).rows[0]?.n);

const apiStatus = async (token: string) =>
  (await request(world.server.server).get('/admin/api/v1/communes').set('Authorization', `Bearer ${token}`)).status;

const postToken = async (client: TestClient, endpoint: string, token: string) =>
  (
    await request(world.server.server)
      .post(endpoint)
      .auth(client.clientId, client.clientSecret ?? '')
      .type('form')
      .send({ token })
  ).body as Record<string, unknown>;

describe('a client opted in to JWT access tokens', () => {
  it('gets a client-credentials JWT that a resource server verifies with our jwks_uri: at+jwt, ES256, iss, aud, exp, client_id', async () => {
    const service = await aJwtService();
    const token = await tokenFor(service, API_A);
    const { payload, protectedHeader } = await resourceServerVerifies(token, API_A);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toMatchObject({ iss: world.server.issuer, aud: API_A, client_id: service.clientId, sub: service.clientId });
    expect(payload.exp! - payload.iat!).toBe(world.server.config.ttlSeconds.clientCredentials);
    expect(typeof payload.jti).toBe('string');
  });

  it('writes no row to oidc_payloads for its JWT, where an opaque token writes one', async () => {
    const service = await aJwtService();
    const before = await storedPayloads();
    await tokenFor(service, API_A);
    await tokenFor(service, API_A);
    expect(await storedPayloads()).toBe(before);
    await tokenFor(await aService());
    expect(await storedPayloads()).toBe(before + 1);
  });

  it('is verified by its signature, not introspected: introspection and revocation answer unsupported_token_type', async () => {
    const service = await aJwtService();
    const token = await tokenFor(service, API_A);
    for (const endpoint of ['/token/introspection', '/token/revocation']) {
      expect(await postToken(service, endpoint, token)).toMatchObject({ error: 'unsupported_token_type' });
    }
    await expect(resourceServerVerifies(token, API_A)).resolves.toBeDefined();
  });

  it('is registered with glc client add --resource … --access-token-format jwt; jwt without a resource is refused', async () => {
    const env = glcEnvOf(world.server);
    const base = [
      'client',
      'add',
      '--commune',
      'lyon',
      '--name',
      'Service voirie',
      '--grant-type',
      'client_credentials',
      '--scope',
      'openid',
    ];
    const added = jsonOutput(await runGlc([...base, '--resource', API_A, '--access-token-format', 'jwt', '--json'], env));
    expect(added).toMatchObject({ resource_indicators: [API_A], access_token_format: 'jwt' });
    const service: TestClient = {
      clientId: String(added.client_id),
      clientSecret: String(added.client_secret),
      commune: 'lyon',
      redirectUri: '',
      redirectUris: [],
    };
    expect(decodeProtectedHeader(await tokenFor(service, API_A)).typ).toBe('at+jwt');
    expectRefusal(await runGlc([...base, '--access-token-format', 'jwt', '--json'], env), 1, /--resource/);
  });
});

describe('opaque, the default', () => {
  it('stays opaque for a client not opted in, with or without an API of its own', async () => {
    const plain = await tokenFor(await aService());
    expect(plain.split('.')).toHaveLength(1);
    const withApi = await aService({ resources: [API_A] });
    const forApi = await tokenFor(withApi, API_A);
    expect(forApi.split('.')).toHaveLength(1);
    expect(await postToken(withApi, '/token/introspection', forApi)).toMatchObject({ active: true, aud: API_A });
  });
});

describe('as the attacker', () => {
  it('a JWT for API A is refused by API B (its audience is A) and by the operators’ API', async () => {
    const token = await tokenFor(await aJwtService(), API_A);
    await expect(resourceServerVerifies(token, API_B)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    expect(await apiStatus(token)).toBe(401);
  });

  it('an opted-in client asking for an API it was not registered with gets invalid_target', async () => {
    await expect(tokenFor(await aJwtService(), API_B)).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('a client not opted in gets no JWT by asking for an API: invalid_target', async () => {
    await expect(tokenFor(await aService(), API_A)).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('a client naming the operators’ API as its own resource gets no token for it', async () => {
    const service = await aService({ resources: [`${world.server.issuer}/admin/api/v1`], accessTokenFormat: 'jwt' });
    await expect(tokenFor(service, `${world.server.issuer}/admin/api/v1`)).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('a self-registered client cannot opt itself in to JWTs or name an API', async () => {
    const { token } = await world.server.oidc.registrationTokens.issue(world.server.pool, 'oullins', 600, 'test');
    const registered = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${token}`)
      .send({
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'openid',
        resource_indicators: [API_B],
        access_token_format: 'jwt',
      });
    expect(registered.status).toBe(201);
    expect(registered.body).not.toHaveProperty('resource_indicators');
    expect(registered.body).not.toHaveProperty('access_token_format');
    const service: TestClient = {
      clientId: registered.body.client_id,
      clientSecret: registered.body.client_secret,
      commune: 'oullins',
      redirectUri: '',
      redirectUris: [],
    };
    await expect(tokenFor(service, API_B)).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('a JWT signed with another key under our kid, in our name, is refused by the resource server and the operators’ API', async () => {
    const service = await aJwtService();
    const { privateKey } = await generateKeyPair('ES256');
    const ourKid = decodeProtectedHeader(await tokenFor(service, API_A)).kid;
    const forged = await new SignJWT({ client_id: service.clientId, scope: 'admin', jti: 'forged' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ourKid })
      .setIssuer(world.server.issuer)
      .setAudience([API_A, `${world.server.issuer}/admin/api/v1`])
      .setSubject(service.clientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(resourceServerVerifies(forged, API_A)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(await apiStatus(forged)).toBe(401);
  });
});
