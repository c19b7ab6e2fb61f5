// A suspected key compromise, handled from the command line on two instances behind one database:
// `glc keys rotate --now` makes a new key sign at once, `glc keys retire --kid` takes the old one out of the
// JWKS at once so that what it signed stops verifying — on every instance, without a restart — and the
// last signing key of an algorithm cannot be retired. Both are audited.
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { eventually } from '../support/eventually.js';
import { expectRefusal, glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { signInAt } from '../support/relying-party.js';
import { startInstance, type TestServer } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['saint-priest'], clients: { site: {} }, accounts: { citizen: {} } }));
const second = useWorld(() => startInstance(world.server.database));
const instances = () => [world.server, second];

const glc = (...args: string[]) => runGlc(args, glcEnvOf(world.server));

async function jwksOf(server: TestServer): Promise<JSONWebKeySet> {
  return (await (await fetch(`${server.issuer}/jwks`)).json()) as JSONWebKeySet;
}

const kidsOf = async (server: TestServer) => (await jwksOf(server)).keys.map((key) => key.kid);

async function idTokenFrom(server: TestServer): Promise<string> {
  const { tokens } = await signInAt(world.site, new UserAgent(server.issuer), world.citizen);
  return tokens.id_token!;
}

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

/** What a relying party does with an ID token: check its signature against the provider's JWKS. */
const verifiesAt = (server: TestServer, token: string) =>
  jwtVerify(token, createRemoteJWKSet(new URL(`${server.issuer}/jwks`)), { issuer: server.issuer, audience: world.site.clientId });

let compromisedToken: string;
let compromisedKid: string;
let rotation: { kid: string; kids: string[]; signs_from: string };

describe('a compromised signing key', () => {
  it('glc keys rotate --now makes the new key sign at once, on every instance', async () => {
    compromisedToken = await idTokenFrom(world.server);
    compromisedKid = kidOf(compromisedToken)!;

    rotation = jsonOutput(await glc('keys', 'rotate', '--now', '--json')) as typeof rotation;
    expect(rotation).toEqual(expect.objectContaining({ kid: expect.any(String), signs_from: expect.any(String) }));
    expect(rotation.kid).not.toBe(compromisedKid);
    expect(Date.parse(rotation.signs_from)).toBeLessThanOrEqual(Date.now());

    for (const server of instances()) {
      expect(await eventually(async () => (await kidsOf(server)).includes(rotation.kid))).toBe(true);
      expect(kidOf(await idTokenFrom(server))).toBe(rotation.kid);
    }
    // Rotated, not yet retired: what the old key signed still verifies.
    await expect(verifiesAt(world.server, compromisedToken)).resolves.toMatchObject({ protectedHeader: { kid: compromisedKid } });
  });

  it('glc keys retire --kid takes the key out of every instance’s JWKS at once, and what it signed stops verifying', async () => {
    expect(jsonOutput(await glc('keys', 'retire', '--kid', compromisedKid, '--json'))).toEqual({ kid: compromisedKid, retired: true });

    for (const server of instances()) {
      expect(await eventually(async () => !(await kidsOf(server)).includes(compromisedKid))).toBe(true);
      await expect(verifiesAt(server, compromisedToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
      await expect(jwtVerify(compromisedToken, createLocalJWKSet(await jwksOf(server)))).rejects.toThrow();
      // The new key keeps signing, and its tokens verify.
      const fresh = await idTokenFrom(server);
      await expect(verifiesAt(server, fresh)).resolves.toMatchObject({ protectedHeader: { kid: rotation.kid } });
    }
  });

  it('refuses to retire the only signing key of an algorithm, with one line, and keeps it', async () => {
    const [rs256, es256] = rotation.kids;
    expectRefusal(await glc('keys', 'retire', '--kid', rs256!, '--json'), 1, /only RS256 signing key/);
    expectRefusal(await glc('keys', 'retire', '--kid', es256!), 1, /only ES256 signing key/);
    expect(await kidsOf(world.server)).toEqual(expect.arrayContaining([rs256, es256]));
    expect(kidOf(await idTokenFrom(world.server))).toBe(rs256);
  });

  it('refuses an unknown kid, and a kid already retired, with one line', async () => {
    expectRefusal(await glc('keys', 'retire', '--kid', 'no-such-kid'), 1, /no-such-kid/);
    expectRefusal(await glc('keys', 'retire', '--kid', compromisedKid), 1, new RegExp(compromisedKid));
    expectRefusal(await glc('keys', 'retire'), 2, /--kid/);
  });

  it('audits the rotation and the retirement', async () => {
    const { entries } = jsonOutput(await glc('audit', '--since', '1h', '--json')) as {
      entries: { action: string; target: string; after: unknown }[];
    };
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'keys.rotated',
          after: expect.objectContaining({ kids: rotation.kids, signs_from: rotation.signs_from }),
        }),
        expect.objectContaining({ action: 'keys.retired', target: `signing-key:${compromisedKid}` }),
      ]),
    );
    expect(entries.filter((entry) => entry.action === 'keys.retired')).toHaveLength(1); // refusals leave no trace
  });
});
