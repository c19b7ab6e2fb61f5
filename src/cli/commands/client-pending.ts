import { createRegistry } from '../../registry/index.js';
import { defineCommand } from '../command.js';

export const clientPending = defineCommand({
  name: 'client pending',
  summary: 'list the sensitive scopes sites asked for and an operator has not approved yet',
  options: {},
  async run(context) {
    const registry = createRegistry({ db: context.db.pool, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 });
    const requests = await registry.listScopeRequests('pending', 'all');
    const json = {
      pending: requests.map((r) => ({
        id: r.id,
        client_id: r.clientId,
        client_name: r.clientName,
        commune: r.communeSlug,
        scope: r.scope,
        requested_by: r.requestedBy,
        requested_at: r.requestedAt.toISOString(),
      })),
    };
    const text = requests.length
      ? requests
          .map(
            (r) => `#${r.id}  ${r.communeSlug}  ${r.clientName} (${r.clientId})  asks for ${r.scope}  since ${r.requestedAt.toISOString()}`,
          )
          .join('\n')
      : 'no pending request';
    return { json, text };
  },
});
