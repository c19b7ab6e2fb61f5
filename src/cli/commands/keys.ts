// glc keys rotate [--now] and glc keys retire --kid KID: the signing keys' two changes, each audited in
// its own transaction and announced to every instance.
import { ensureKeys, retireKey, rotateKeys } from '../../oidc/index.js';
import { audited } from '../../operators/index.js';
import { cliActor } from '../actor.js';
import { parse, required } from '../args.js';
import type { CliContext } from '../context.js';

export async function keysRotateCommand(context: CliContext, argv: string[]) {
  const values = parse(argv, { now: { type: 'boolean' } });
  const now = Boolean(values.now);
  await ensureKeys(context.db.pool, context.sealer);
  const rotation = await audited(context.db.pool, cliActor(), async (tx) => {
    const rotated = await rotateKeys(tx, context.sealer, context.config, { now });
    return { result: rotated, audit: { action: 'keys.rotated', target: 'signing-keys', after: { kids: rotated.kids, signs_from: rotated.signsFrom.toISOString(), now } } };
  });
  const json = { kid: rotation.kid, kids: rotation.kids, signs_from: rotation.signsFrom.toISOString() };
  const when = now ? 'signing now' : `signing from ${json.signs_from}`;
  return { json, text: `new keys ${rotation.kids.join(', ')} published now, ${when}` };
}

export async function keysRetireCommand(context: CliContext, argv: string[]) {
  const kid = required(parse(argv, { kid: { type: 'string' } }), 'kid');
  const retirement = await audited(context.db.pool, cliActor(), async (tx) => {
    const retired = await retireKey(tx, kid);
    return {
      result: retired,
      audit: {
        action: 'keys.retired', target: `signing-key:${kid}`,
        before: { alg: retired.alg, signs_from: retired.signsFrom.toISOString(), retired_at: retired.retiredAt?.toISOString() ?? null, published: true },
        after: { published: false },
      },
    };
  });
  return {
    json: { kid: retirement.kid, retired: true },
    text: `key ${retirement.kid} (${retirement.alg}) retired and unpublished: what it signed no longer verifies`,
  };
}
