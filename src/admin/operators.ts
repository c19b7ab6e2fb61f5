// /operators: who administers what. Any operator may call them; the domain decides (operators/permissions.ts,
// roleChangeRefusal): roles are handed down within one's communes, never above one's own role, and each sees
// only the operators of its communes. Grant and revoke are changes like any other: audited.
// A grant to an address no verified account holds answers 202: the role waits for its owner to accept the
// invitation mailed to it (the link is only in the mail).
import type { Static } from 'typebox';
import { Type } from 'typebox';
import { invalid } from '../errors.js';
import type { InvitationRecord, OperatorChange, OperatorRecord, OperatorTarget } from '../operators/index.js';
import { actorOf, paginate, type ApiPolicy } from './context.js';
import { accepted, ok, route } from './route.js';
import { Invitation, InvitedOperator, Operator, Page, pagingQuery, RoleName } from './schemas.js';

export function operatorJson(record: OperatorRecord): Static<typeof Operator> {
  return {
    account: record.accountId ?? null,
    email: record.email ?? null,
    client_id: record.clientId ?? null,
    roles: record.roles.map((r) => ({ role: r.role, communes: r.communes })),
  };
}

function invitationJson(invitation: InvitationRecord): Static<typeof Invitation> {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    communes: invitation.communes,
    expires_at: invitation.expiresAt.toISOString(),
  };
}

const RoleChange = Type.Object({
  email: Type.Optional(Type.String({ description: 'A person, by the address of their account (give this or client_id)' })),
  client_id: Type.Optional(Type.String({ description: 'A program, by its client (give this or email)' })),
  role: RoleName,
  communes: Type.Optional(Type.Array(Type.String(), { description: 'The communes of the role; none for metropole-admin' })),
});

/** A person or a program: exactly one of the two. */
function targetOf({ email, client_id: clientId }: Static<typeof RoleChange>): OperatorTarget {
  if (email && !clientId) return { email };
  if (clientId && !email) return { clientId };
  throw invalid('invalid_request', 'give exactly one of email or client_id', { field: 'email' });
}

/** The rule of operators/permissions.ts (roleChangeRefusal), as the document says it. */
const ROLE_CHANGE_RULE =
  'A metropole-admin changes any role; a syndicate-operator syndicate-operator, commune-referent and counter-agent over its communes; a commune-referent commune-referent and counter-agent over its communes; a counter-agent none. Anything else is refused with 403 (field: role or communes).';

export const operatorRoutes = ({ pageSize }: ApiPolicy) => [
  route({
    method: 'GET',
    path: '/operators',
    operationId: 'listOperators',
    tag: 'operators',
    permission: 'any-operator',
    summary: 'List the operators',
    description:
      'The accounts and programs holding a role, with its communes, by pages: every one for a metropole-admin; for anyone else only those holding a role over one of its communes, their roles cut to those communes.',
    query: Type.Object(pagingQuery(pageSize)),
    answers: { 200: { description: 'The operators the caller may see', schema: Page(Operator) } },
    async handle({ query, deps, principal }) {
      return ok(paginate((await deps.operators.list(principal)).map(operatorJson), query));
    },
  }),

  route({
    method: 'POST',
    path: '/operators/grant',
    operationId: 'grantOperator',
    tag: 'operators',
    permission: 'any-operator',
    summary: 'Grant a role',
    description:
      'Gives a role over communes to a verified account or a client (audited). An address no verified account holds is sent an invitation instead: the role waits for its owner to accept it. ' +
      ROLE_CHANGE_RULE,
    body: RoleChange,
    example: { email: 'referent@oullins.fr', role: 'commune-referent', communes: ['oullins'] },
    answers: {
      200: { description: "The operator's roles (a verified account, or a client)", schema: Operator },
      202: {
        description: "Invitation mailed: the role goes to the address's verified account once its owner accepts",
        schema: InvitedOperator,
      },
    },
    refusals: { 404: 'No such client or commune' },
    async handle({ body, deps, ctx, principal }) {
      const change: OperatorChange = await deps.operators.grant(targetOf(body), body.role, body.communes ?? [], actorOf(ctx), principal);
      return change.invitation
        ? accepted({ ...operatorJson(change), invitation: invitationJson(change.invitation) })
        : ok(operatorJson(change));
    },
  }),

  route({
    method: 'POST',
    path: '/operators/revoke',
    operationId: 'revokeOperator',
    tag: 'operators',
    permission: 'any-operator',
    summary: 'Revoke a role',
    description:
      'Takes a role (over the communes given, or all of them) from an account or a client, and withdraws the invitations pending for the address (audited). ' +
      ROLE_CHANGE_RULE +
      ' Anyone but a metropole-admin names the communes.',
    body: RoleChange,
    example: { email: 'referent@oullins.fr', role: 'commune-referent' },
    answers: { 200: { description: "The operator's roles", schema: Operator } },
    refusals: { 404: 'No such account, pending invitation, client or commune' },
    async handle({ body, deps, ctx, principal }) {
      return ok(operatorJson(await deps.operators.revoke(targetOf(body), body.role, body.communes ?? [], actorOf(ctx), principal)));
    },
  }),
];
