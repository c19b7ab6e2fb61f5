// /scope-requests: sensitive scopes asked by referents, syndicates or dynamic registration wait here
// until a metropole-admin approves or refuses them, with a reason, as the data protection officer would.
import type { Static } from 'typebox';
import { Type } from 'typebox';
import { communesOf } from '../operators/index.js';
import type { ScopeRequest as ScopeRequestRecord } from '../registry/index.js';
import { audited, paginate, type ApiPolicy } from './context.js';
import { ok, route } from './route.js';
import { Page, pagingQuery, ScopeRequest } from './schemas.js';

export function scopeRequestJson(request: ScopeRequestRecord): Static<typeof ScopeRequest> {
  return {
    id: request.id,
    client_id: request.clientId,
    client_name: request.clientName,
    commune: request.communeSlug,
    scope: request.scope,
    status: request.status,
    requested_by: request.requestedBy,
    requested_at: request.requestedAt.toISOString(),
    decided_by: request.decidedBy ?? null,
    decided_at: request.decidedAt?.toISOString() ?? null,
    reason: request.reason ?? null,
  };
}

const decisions = {
  approve: { decision: 'approved', reason: Type.Optional(Type.String({ description: 'Why, for the record' })) },
  refuse: { decision: 'refused', reason: Type.String({ minLength: 1, description: 'Why: the referent reads it' }) },
} as const;

const decisionRoute = (action: keyof typeof decisions) =>
  route({
    method: 'POST',
    path: `/scope-requests/{id}/${action}`,
    operationId: `${action}ScopeRequest`,
    tag: 'scope-requests',
    permission: 'metropole-admin',
    summary: action === 'approve' ? 'Approve a scope request' : 'Refuse a scope request',
    description:
      action === 'approve'
        ? "The scope joins the client's at once (audited)."
        : 'The client keeps its scopes without this one; the reason is kept with the request (audited).',
    params: Type.Object({ id: Type.Integer({ description: "The request's id" }) }),
    body: Type.Object({ reason: decisions[action].reason }),
    example: action === 'approve' ? { reason: 'finalité établie' } : { reason: 'finalité non justifiée' },
    answers: {
      200: {
        description: action === 'approve' ? "Approved: the scope joins the client's" : 'Refused, with the reason',
        schema: ScopeRequest,
      },
    },
    refusals: { 404: 'No such scope request', 409: 'The request was already decided' },
    async handle({ params, body, principal, deps, ctx }) {
      const { decision } = decisions[action];
      // The two routes' bodies differ (a refusal's reason is required): their common type is the approval's.
      const { reason } = body as { reason?: string };
      const decided = await audited(deps, ctx, async (db) => {
        const result = await deps.registryFor(db).decideScopeRequest(params.id, decision, principal.label, reason);
        return {
          result,
          audit: {
            action: `scope_request.${decision}`,
            communeSlug: result.communeSlug,
            target: `client:${result.clientId}`,
            after: { scope: result.scope, status: decision, reason: reason ?? null },
          },
        };
      });
      return ok(scopeRequestJson(decided));
    },
  });

export const scopeRequestRoutes = ({ pageSize }: ApiPolicy) => [
  route({
    method: 'GET',
    path: '/scope-requests',
    operationId: 'listScopeRequests',
    tag: 'scope-requests',
    permission: 'any-operator',
    summary: 'List scope requests',
    description:
      'The requests for sensitive scopes of the communes the operator manages, pending ones unless ?status= says otherwise, by pages.',
    query: Type.Object({ status: Type.Enum(['pending', 'approved', 'refused', 'all'], { default: 'pending' }), ...pagingQuery(pageSize) }),
    answers: { 200: { description: 'Requests for sensitive scopes of the communes the operator manages', schema: Page(ScopeRequest) } },
    async handle({ query, principal, deps }) {
      const requests = await deps.registry.listScopeRequests(query.status === 'all' ? null : query.status, communesOf(principal));
      return ok(paginate(requests.map(scopeRequestJson), query));
    },
  }),
  decisionRoute('approve'),
  decisionRoute('refuse'),
];
