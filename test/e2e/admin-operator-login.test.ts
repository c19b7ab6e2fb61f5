import request from 'supertest';
import { operatorsOf, operatorTokensAt } from '../support/admin.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon', 'bron'],
    clients: { operatorConsole: { isFirstParty: true, isOperatorTool: true } },
    accounts: { referent: {}, citizen: {} },
  }),
);

const communesWith = (tokens: { access_token: string }) =>
  request(world.server.server).get('/admin/api/v1/communes').set('Authorization', `Bearer ${tokens.access_token}`);

describe('an operator signs in to an administration console', () => {
  it('gets an admin token for the API from a login with the admin resource and scope', async () => {
    await operatorsOf(world.server).grant({ email: world.referent.email }, 'commune-referent', ['bron'], { actor: 'test' });
    const tokens = await operatorTokensAt(world.server, world.operatorConsole, world.referent);
    expect(tokens.scope).toContain('admin');

    const communes = await communesWith(tokens);
    expect(communes.status).toBe(200);
    expect(communes.body.items.map((c: { slug: string }) => c.slug)).toEqual(['bron']);
  });

  it('refuses the same login for a citizen who is not an operator', async () => {
    const refused = await communesWith(await operatorTokensAt(world.server, world.operatorConsole, world.citizen));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('forbidden');
  });
});
