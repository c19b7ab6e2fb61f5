import { ensureKeys, rotateKeys } from '../../oidc/index.js';
import { insertAuditEntry } from '../../operators/index.js';
import { auditActor } from '../actor.js';
import type { CliContext } from '../context.js';

export async function keysRotateCommand(context: CliContext) {
  await ensureKeys(context.db.pool, context.sealer);
  const rotation = await rotateKeys(context.db.pool, context.sealer, context.config);
  await insertAuditEntry(context.db.pool, { ...auditActor(), action: 'keys.rotated', target: 'signing-keys', after: { kids: rotation.kids, signs_from: rotation.signsFrom } });
  const json = { kid: rotation.kid, kids: rotation.kids, signs_from: rotation.signsFrom.toISOString() };
  return { json, text: `new keys ${rotation.kids.join(', ')} published now, signing from ${json.signs_from}` };
}
