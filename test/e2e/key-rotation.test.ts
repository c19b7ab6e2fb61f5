import { decodeProtectedHeader } from 'jose';
import { rotateKeys } from '../../src/oidc/index.js';
import { createSealer } from '../../src/sealing.js';
import { signInAt } from '../support/relying-party.js';
import { TEST_SECRET_KEY } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['oullins'], clients: { site: {} }, accounts: { citizen: {} } }));

async function publishedKids(): Promise<string[]> {
  const jwks = (await (await fetch(`${world.server.issuer}/jwks`)).json()) as { keys: { kid: string; d?: string }[] };
  expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
  return jwks.keys.map((key) => key.kid);
}

async function idTokenKid(): Promise<string> {
  const { tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), world.citizen);
  return decodeProtectedHeader(tokens.id_token!).kid!;
}

describe('signing key rotation', () => {
  it('publishes the new key before it signs, and keeps the retired one published', async () => {
    const before = await publishedKids();
    expect(before).toHaveLength(2); // RS256 and ES256 from the first start
    const firstKid = await idTokenKid();
    expect(before).toContain(firstKid);

    const rotation = await rotateKeys(world.server.pool, createSealer(TEST_SECRET_KEY), world.server.config);
    await world.server.oidc.reloadKeysIfChanged();
    const published = await publishedKids();
    expect(published).toEqual(expect.arrayContaining([...before, ...rotation.kids]));
    expect(await idTokenKid()).toBe(firstKid); // not signing yet

    // The activation delay passes.
    await world.server.pool.query(`update signing_keys set signs_from = now() - interval '1 second' where kid = any($1)`, [rotation.kids]);
    await world.server.pool.query(`update signing_keys set retired_at = now() - interval '1 second' where not (kid = any($1))`, [
      rotation.kids,
    ]);
    await world.server.oidc.reloadKeysIfChanged();

    expect(await idTokenKid()).toBe(rotation.kid);
    expect(await publishedKids()).toContain(firstKid); // still verifiable until its tokens expire
  });
});
