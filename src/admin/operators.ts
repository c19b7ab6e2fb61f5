// /operators: who administers what (metropole-admin only). Grant and revoke are changes like any other: audited.
// A grant to an address no verified account holds answers 202: the role waits for its owner to accept the
// invitation mailed to it (the link is only in the mail).
import type Router from '@koa/router';
import { invalid } from '../errors.js';
import type { InvitationRecord, OperatorChange, OperatorRecord, OperatorTarget } from '../operators/index.js';
import { bodyOf, optionalString, optionalStrings, paginate, principalOf, requireMetropoleAdmin, type AdminDeps } from './context.js';

export function operatorJson(record: OperatorRecord) {
  return {
    account: record.accountId ?? null, email: record.email ?? null, client_id: record.clientId ?? null,
    roles: record.roles.map((r) => ({ role: r.role, communes: r.communes })),
  };
}

export function invitationJson(invitation: InvitationRecord) {
  return { id: invitation.id, email: invitation.email, role: invitation.role, communes: invitation.communes, expires_at: invitation.expiresAt.toISOString() };
}

const changeJson = (change: OperatorChange) => ({ ...operatorJson(change), ...(change.invitation ? { invitation: invitationJson(change.invitation) } : {}) });

function targetOf(body: Record<string, unknown>): OperatorTarget {
  const email = optionalString(body, 'email');
  const clientId = optionalString(body, 'client_id');
  if (Boolean(email) === Boolean(clientId)) throw invalid('invalid_request', 'give exactly one of email or client_id', { field: 'email' });
  return email ? { email } : { clientId: clientId! };
}

export function operatorRoutes(router: Router, deps: AdminDeps): void {
  router.get('/operators', async (ctx) => {
    requireMetropoleAdmin(ctx);
    ctx.body = paginate(ctx, (await deps.operators.list()).map(operatorJson));
  });

  for (const kind of ['grant', 'revoke'] as const) {
    router.post(`/operators/${kind}`, async (ctx) => {
      requireMetropoleAdmin(ctx);
      const body = bodyOf(ctx);
      const principal = principalOf(ctx);
      const change = await deps.operators[kind](targetOf(body), optionalString(body, 'role') ?? '', optionalStrings(body, 'communes') ?? [], {
        actor: principal.actor, label: principal.label, origin: ctx.ip,
      });
      ctx.body = changeJson(change);
      if (change.invitation) ctx.status = 202;
    });
  }
}
