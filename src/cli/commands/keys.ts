// glc keys rotate [--now] and glc keys retire --kid KID: the signing keys' two changes, each audited in
// its own transaction and announced to every instance.
import { ensureKeys, retireKey, rotateKeys } from '../../oidc/index.js';
import { audited } from '../../operators/index.js';
import { cliActor } from '../actor.js';
import { defineCommand } from '../command.js';
import { flag, required } from '../options.js';

export const keysRotate = defineCommand({
  name: 'keys rotate',
  summary: 'publish new signing keys now; they sign after the configured delay, or at once with --now',
  options: { now: flag('sign with the new keys at once (a suspected compromise)') },
  async run(context, values) {
    const { now } = values;
    await ensureKeys(context.db.pool, context.sealer);
    const rotation = await audited(context.db.pool, cliActor(), async (tx) => {
      const rotated = await rotateKeys(tx, context.sealer, context.config, { now });
      return {
        result: rotated,
        audit: {
          action: 'keys.rotated',
          target: 'signing-keys',
          after: { kids: rotated.kids, signs_from: rotated.signsFrom.toISOString(), now },
        },
      };
    });
    const json = { kid: rotation.kid, kids: rotation.kids, signs_from: rotation.signsFrom.toISOString() };
    const when = now ? 'signing now' : `signing from ${json.signs_from}`;
    return { json, text: `new keys ${rotation.kids.join(', ')} published now, ${when}` };
  },
});

export const keysRetire = defineCommand({
  name: 'keys retire',
  summary: 'take a key out of the JWKS at once: what it signed stops verifying (a compromised key)',
  options: { kid: required('KID', 'the key id (refused for the only signing key of an algorithm)') },
  async run(context, values) {
    const { kid } = values;
    const retirement = await audited(context.db.pool, cliActor(), async (tx) => {
      const retired = await retireKey(tx, kid);
      return {
        result: retired,
        audit: {
          action: 'keys.retired',
          target: `signing-key:${kid}`,
          before: {
            alg: retired.alg,
            signs_from: retired.signsFrom.toISOString(),
            retired_at: retired.retiredAt?.toISOString() ?? null,
            published: true,
          },
          after: { published: false },
        },
      };
    });
    return {
      json: { kid: retirement.kid, retired: true },
      text: `key ${retirement.kid} (${retirement.alg}) retired and unpublished: what it signed no longer verifies`,
    };
  },
});
