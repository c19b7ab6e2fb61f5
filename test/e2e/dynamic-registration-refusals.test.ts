// A registration (RFC 7591) that breaks a registry rule is refused with the error the RFC names: a redirect
// URI or a URI after logout with invalid_redirect_uri, any other field with invalid_client_metadata.
import request from 'supertest';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'bron', name: 'Bron' }] }));

async function register(metadata: Record<string, unknown>) {
  const { token } = await world.server.oidc.registrationTokens.issue(world.server.pool, 'bron', 600, 'test');
  const response = await request(world.server.server).post('/reg').set('Authorization', `Bearer ${token}`).send(metadata);
  return { status: response.status, error: (response.body as { error?: string }).error };
}

type Case = [what: string, metadata: Record<string, unknown>];

const BAD_REDIRECTS: Case[] = [
  ['a redirect URI with a fragment', { redirect_uris: ['https://bron.example.org/cb#top'] }],
  ['a redirect URI with a wildcard', { redirect_uris: ['https://*.bron.example.org/cb'] }],
  ['no redirect URI for the authorization code', { redirect_uris: [], grant_types: ['authorization_code'] }],
  [
    'a URI after logout in plain http',
    { redirect_uris: ['https://bron.example.org/cb'], post_logout_redirect_uris: ['http://bron.example.org/bye'] },
  ],
];

const BAD_METADATA: Case[] = [
  [
    'a back-channel logout URI on a private network',
    { redirect_uris: ['https://bron.example.org/cb'], backchannel_logout_uri: 'https://10.0.0.1/logout' },
  ],
  [
    'a public client asking for client credentials',
    {
      redirect_uris: ['https://bron.example.org/cb'],
      grant_types: ['authorization_code', 'client_credentials'],
      token_endpoint_auth_method: 'none',
    },
  ],
];

describe('a registration refused by the registry rules', () => {
  it.each(BAD_REDIRECTS)('answers invalid_redirect_uri for %s', async (_case, metadata) => {
    expect(await register(metadata)).toEqual({ status: 400, error: 'invalid_redirect_uri' });
  });

  it.each(BAD_METADATA)('answers invalid_client_metadata for %s', async (_case, metadata) => {
    expect(await register(metadata)).toEqual({ status: 400, error: 'invalid_client_metadata' });
  });

  it('registers nothing it refused', async () => {
    const before = await world.server.registry.listClients('bron');
    for (const [, metadata] of [...BAD_REDIRECTS, ...BAD_METADATA]) await register(metadata);
    expect(await world.server.registry.listClients('bron')).toEqual(before);
  });
});
