// /scope-requests: sensitive scopes asked by referents, syndicates or dynamic registration wait here
// until a metropole-admin approves or refuses them, with a reason, as the data protection officer would.
import type Router from '@koa/router';
import { invalid } from '../errors.js';
import { communesOf } from '../operators/index.js';
import type { ScopeRequest } from '../registry/index.js';
import { audited, bodyOf, optionalString, paginate, principalOf, requireMetropoleAdmin, type AdminDeps } from './context.js';

export function scopeRequestJson(request: ScopeRequest) {
  return {
    id: request.id, client_id: request.clientId, client_name: request.clientName, commune: request.communeSlug,
    scope: request.scope, status: request.status, requested_by: request.requestedBy, requested_at: request.requestedAt.toISOString(),
    decided_by: request.decidedBy ?? null, decided_at: request.decidedAt?.toISOString() ?? null, reason: request.reason ?? null,
  };
}

export function scopeRequestRoutes(router: Router, deps: AdminDeps): void {
  router.get('/scope-requests', async (ctx) => {
    const status = ctx.query.status ?? 'pending';
    if (status !== 'pending' && status !== 'approved' && status !== 'refused' && status !== 'all') {
      throw invalid('invalid_request', 'status: pending, approved, refused or all', { field: 'status' });
    }
    const requests = await deps.registry.listScopeRequests(status === 'all' ? null : status, communesOf(principalOf(ctx)));
    ctx.body = paginate(ctx, requests.map(scopeRequestJson));
  });

  for (const [path, decision] of [['approve', 'approved'], ['refuse', 'refused']] as const) {
    router.post(`/scope-requests/:id/${path}`, async (ctx) => {
      requireMetropoleAdmin(ctx);
      const id = Number(ctx.params.id);
      if (!Number.isInteger(id)) throw invalid('invalid_request', 'id: a number', { field: 'id' });
      const reason = decision === 'refused' ? optionalString(bodyOf(ctx), 'reason') : optionalString((ctx.request.body ?? {}) as Record<string, unknown>, 'reason');
      const decided = await audited(deps, ctx, async (db) => {
        const result = await deps.registryFor(db).decideScopeRequest(id, decision, principalOf(ctx).label, reason);
        return { result, audit: { action: `scope_request.${decision}`, communeSlug: result.communeSlug, target: `client:${result.clientId}`, after: { scope: result.scope, status: decision, reason: reason ?? null } } };
      });
      deps.registry.forget(decided.clientId);
      ctx.body = scopeRequestJson(decided);
    });
  }
}
