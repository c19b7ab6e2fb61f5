// The token endpoint's own check behind the login's: a refresh token of an operator tool whose sign-in reached
// one factor only (say, one issued before operator tools needed two) never turns into a token for the API.
import { ACR_1FA } from '../../src/accounts/factors/index.js';
import { adminAudienceOf, operatorsOf, operatorTokensAt } from '../support/admin.js';
import { discover, oidc } from '../support/relying-party.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['bron'],
    clients: { tool: { isFirstParty: true, isOperatorTool: true } },
    accounts: { referent: {} },
  }),
);

beforeAll(async () => {
  await operatorsOf(world.server).grant({ email: world.referent.email }, 'commune-referent', ['bron'], { actor: 'test' });
});

/** A refresh token of the operator's two-factor sign-in, its grant rewritten as from a one-factor sign-in when asked. */
async function refreshToken(asOneFactor: boolean): Promise<string> {
  const tokens = await operatorTokensAt(world.server, world.tool, world.referent);
  if (!tokens.refresh_token) throw new Error('the operator tool got no refresh token');
  if (asOneFactor) {
    const stored = await world.server.oidc.provider().RefreshToken.find(tokens.refresh_token);
    if (!stored) throw new Error('the refresh token is not stored');
    stored.acr = ACR_1FA;
    await stored.save();
  }
  return tokens.refresh_token;
}

describe('refreshing a token for the operators’ API', () => {
  it('works for a refresh token of a two-factor sign-in', async () => {
    const config = await discover(world.server.issuer, world.tool);
    const refreshed = await oidc.refreshTokenGrant(config, await refreshToken(false), { resource: adminAudienceOf(world.server) });
    expect(refreshed.scope?.split(' ')).toContain('admin');
  });

  it('is refused (invalid_grant) for a refresh token of a one-factor sign-in', async () => {
    const config = await discover(world.server.issuer, world.tool);
    await expect(
      oidc.refreshTokenGrant(config, await refreshToken(true), { resource: adminAudienceOf(world.server) }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
