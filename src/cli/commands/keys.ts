// glc keys rotate [--now] and glc keys retire --kid KID: the signing keys' two changes, each audited in
// its own transaction and announced to every instance.
import { ensureKeys, retireKey, rotateKeys } from '../../oidc/index.js';
import { insertAuditEntry } from '../../operators/index.js';
import { auditActor } from '../actor.js';
import { parse, required } from '../args.js';
import type { CliContext } from '../context.js';

export async function keysRotateCommand(context: CliContext, argv: string[]) {
  const values = parse(argv, { now: { type: 'boolean' } });
  const now = Boolean(values.now);
  await ensureKeys(context.db.pool, context.sealer);
  const rotation = await rotateKeys(context.db.pool, context.sealer, context.config, {
    now,
    record: (tx, { kids, signsFrom }) => insertAuditEntry(tx, {
      ...auditActor(), action: 'keys.rotated', target: 'signing-keys', after: { kids, signs_from: signsFrom.toISOString(), now },
    }),
  });
  const json = { kid: rotation.kid, kids: rotation.kids, signs_from: rotation.signsFrom.toISOString() };
  const when = now ? 'signing now' : `signing from ${json.signs_from}`;
  return { json, text: `new keys ${rotation.kids.join(', ')} published now, ${when}` };
}

export async function keysRetireCommand(context: CliContext, argv: string[]) {
  const kid = required(parse(argv, { kid: { type: 'string' } }), 'kid');
  const retirement = await retireKey(context.db.pool, kid, {
    record: (tx, { alg, signsFrom, retiredAt }) => insertAuditEntry(tx, {
      ...auditActor(), action: 'keys.retired', target: `signing-key:${kid}`,
      before: { alg, signs_from: signsFrom.toISOString(), retired_at: retiredAt?.toISOString() ?? null, published: true },
      after: { published: false },
    }),
  });
  return {
    json: { kid: retirement.kid, retired: true },
    text: `key ${retirement.kid} (${retirement.alg}) retired and unpublished: what it signed no longer verifies`,
  };
}
