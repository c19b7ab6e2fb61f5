import { createRegistry } from '../../registry/index.js';
import { parse } from '../args.js';
import type { CliContext } from '../context.js';

export async function clientPendingCommand(context: CliContext, argv: string[]) {
  parse(argv, {});
  const registry = createRegistry({ db: context.db.pool, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 });
  const requests = await registry.listScopeRequests('pending', 'all');
  const json = {
    pending: requests.map((r) => ({
      id: r.id, client_id: r.clientId, client_name: r.clientName, commune: r.communeSlug, scope: r.scope,
      requested_by: r.requestedBy, requested_at: r.requestedAt.toISOString(),
    })),
  };
  const text = requests.length
    ? requests.map((r) => `#${r.id}  ${r.communeSlug}  ${r.clientName} (${r.clientId})  asks for ${r.scope}  since ${r.requestedAt.toISOString()}`).join('\n')
    : 'no pending request';
  return { json, text };
}
