// A client authenticates the way it was registered, nowhere else: a client_secret_basic site that sends its
// secret in the body (client_secret_post) is refused at the token, introspection and revocation endpoints.
// The secret then travels where proxies and logs keep request bodies, and the registered method means nothing.
import { type TestClient } from '../support/builders.js';
import { discover, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['rillieux'],
    clients: { site: {}, service: { grantTypes: ['client_credentials'], redirectUris: [], scope: 'openid' } },
    accounts: { citizen: {} },
  }),
);

/** The same client, but sending client_id and client_secret in the form body. */
function postingSecret(client: TestClient): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(world.server.issuer), client.clientId, undefined, oidc.ClientSecretPost(client.clientSecret), {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the test world serves its issuer over plain http on localhost
    execute: [oidc.allowInsecureRequests],
  });
}

const refusedAsInvalidClient = { error: 'invalid_client', status: 401 };

describe('a client registered with client_secret_basic', () => {
  it('is refused at /token when it sends its secret in the body, for a code it really holds', async () => {
    const basic = await discover(world.server.issuer, world.site);
    const attempt = await startAuthorization(basic, world.site);
    const callback = new URL(await signIn(new UserAgent(world.server.issuer), attempt, world.citizen));
    const checks = { pkceCodeVerifier: attempt.verifier, expectedState: attempt.state, expectedNonce: attempt.nonce };

    await expect(oidc.authorizationCodeGrant(await postingSecret(world.site), callback, checks)).rejects.toMatchObject(
      refusedAsInvalidClient,
    );
    // The code was good: the registered method redeems it.
    expect((await oidc.authorizationCodeGrant(basic, callback, checks)).access_token).toEqual(expect.any(String));
  });

  it('is refused at /token for client credentials sent in the body', async () => {
    await expect(oidc.clientCredentialsGrant(await postingSecret(world.service), { scope: 'openid' })).rejects.toMatchObject(
      refusedAsInvalidClient,
    );
    expect(
      (await oidc.clientCredentialsGrant(await discover(world.server.issuer, world.service), { scope: 'openid' })).access_token,
    ).toEqual(expect.any(String));
  });

  it('is refused at /token/introspection when it sends its secret in the body', async () => {
    const basic = await discover(world.server.issuer, world.service);
    const { access_token: token } = await oidc.clientCredentialsGrant(basic, { scope: 'openid' });
    await expect(oidc.tokenIntrospection(await postingSecret(world.service), token)).rejects.toMatchObject(refusedAsInvalidClient);
    expect(await oidc.tokenIntrospection(basic, token)).toMatchObject({ active: true, client_id: world.service.clientId });
  });

  it('is refused at /token/revocation when it sends its secret in the body, and the token stays valid', async () => {
    const basic = await discover(world.server.issuer, world.service);
    const { access_token: token } = await oidc.clientCredentialsGrant(basic, { scope: 'openid' });
    await expect(oidc.tokenRevocation(await postingSecret(world.service), token)).rejects.toMatchObject(refusedAsInvalidClient);
    expect(await oidc.tokenIntrospection(basic, token)).toMatchObject({ active: true });
  });

  it('is told the truth by discovery: client_secret_post is not a method this provider accepts', async () => {
    // Introspection and revocation advertise nothing of their own: they take the token endpoint's (RFC 8414).
    const metadata = (await discover(world.server.issuer, world.site)).serverMetadata();
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'none']);
  });
});
