import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startLogoutReceiver } from '../support/logout-receiver.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { oidc, signInAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const receiver = useWorld(startLogoutReceiver);
const world = useWorld(() =>
  anOidcWorld({
    communes: ['bron'],
    clients: { site: { backchannelLogoutUri: receiver.uri, postLogoutRedirectUris: ['https://bron.example.org/bye'] } },
    accounts: { citizen: {} },
  }),
);

describe('back-channel logout', () => {
  it('sends a signed logout token to the site when the citizen signs out', async () => {
    const agent = new UserAgent(world.server.issuer);
    const { config, tokens } = await signInAt(world.site, agent, world.citizen);
    const idClaims = tokens.claims()!;

    const confirmation = await agent.navigate(
      oidc
        .buildEndSessionUrl(config, {
          id_token_hint: tokens.id_token!,
          post_logout_redirect_uri: 'https://bron.example.org/bye',
        })
        .toString(),
    );
    if (!('html' in confirmation)) throw new Error('expected the logout confirmation page');
    await agent.submit(confirmation, { logout: 'yes' });
    await receiver.waitFor(1);

    expect(receiver.tokens).toHaveLength(1);
    const jwks = createRemoteJWKSet(new URL(`${world.server.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(receiver.tokens[0]!, jwks, {
      issuer: world.server.issuer,
      audience: world.site.clientId,
    });
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.sub).toBe(idClaims.sub);
    expect(payload.sid).toBe(idClaims.sid);
    expect(payload.nonce).toBeUndefined();
  });
});
