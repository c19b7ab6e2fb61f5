import { createAccounts } from '../../accounts/index.js';
import {
  createOperators,
  ROLES,
  type InvitationRecord,
  type OperatorChange,
  type OperatorRecord,
  type OperatorTarget,
} from '../../operators/index.js';
import { createRegistry } from '../../registry/index.js';
import { createInvitationMailer } from '../../services/operator-invitation-mail.js';
import { cliActor } from '../actor.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { list, optional, required } from '../options.js';
import { UsageError } from '../usage.js';
import { cliMailer, type CliMailer } from '../mailer.js';

function operatorsOf(context: CliContext, mail: CliMailer = cliMailer(context)) {
  const db = context.db.pool;
  return createOperators({
    pool: db,
    config: context.config,
    accounts: createAccounts({ db, config: context.config, log: context.log }),
    registry: createRegistry({ db, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 }),
    invitationMail: createInvitationMailer({ projectRoot: context.config.projectRoot, mailer: mail.mailer }),
  });
}

export function operatorJson(record: OperatorRecord) {
  return {
    ...(record.accountId
      ? { account: record.accountId, email: record.email ?? null }
      : record.clientId
        ? { client_id: record.clientId }
        : { email: record.email ?? null }),
    roles: record.roles.map((r) => ({ role: r.role, communes: r.communes })),
  };
}

function invitationJson(invitation: InvitationRecord) {
  return {
    email: invitation.email,
    role: invitation.role,
    communes: invitation.communes,
    expires_at: invitation.expiresAt.toISOString(),
    created_by: invitation.createdBy,
    created_at: invitation.createdAt.toISOString(),
  };
}

const WHO = {
  email: optional('EMAIL', 'the person (an invitation is mailed when no verified account holds the address)'),
  client: optional('CLIENT_ID', 'a program, by its client id (it becomes an operator tool)'),
} as const;

function targetOf(values: { email?: string | undefined; client?: string | undefined }): OperatorTarget {
  if (values.email && !values.client) return { email: values.email };
  if (values.client && !values.email) return { clientId: values.client };
  throw new UsageError('give exactly one of --email or --client');
}

const roleText = (r: { role: string; communes: string[] }) => (r.communes.length ? `${r.role} (${r.communes.join(', ')})` : r.role);

function describe(record: OperatorRecord): string {
  const who = record.email ?? record.clientId ?? record.accountId;
  if (record.roles.length === 0) return `${who}: no role`;
  return `${who}: ${record.roles.map(roleText).join('; ')}`;
}

const describeInvitation = (invitation: InvitationRecord) =>
  `${invitation.email}: invited as ${roleText(invitation)}, until ${invitation.expiresAt.toISOString()}`;

/** grant and revoke: the same options, the opposite change. */
function operatorChange(kind: 'grant' | 'revoke') {
  return defineCommand({
    name: `operator ${kind}`,
    summary:
      kind === 'grant'
        ? 'give a person or a program an operator role, for some communes or all'
        : 'take an operator role back, from some communes or all (pending invitations too)',
    options: {
      ...WHO,
      role: required('ROLE', `one of ${ROLES.join(', ')}`),
      commune: list('SLUG', kind === 'grant' ? 'a commune the role covers' : 'a commune to withdraw; all without it'),
    },
    async run(context, values) {
      const target = targetOf(values);
      const mail = cliMailer(context);
      let change: OperatorChange;
      try {
        change = await operatorsOf(context, mail)[kind](target, values.role, values.commune ?? [], cliActor());
      } finally {
        await mail.flush();
      }
      const { invitation } = change;
      return {
        json: { ...operatorJson(change), ...(invitation ? { invitation: invitationJson(invitation) } : {}) },
        // No verified account holds the address: the role waits for its owner, who got the link by mail.
        text: invitation
          ? `${describeInvitation(invitation)} (invitation mailed; the role is given once it is accepted)`
          : describe(change),
      };
    },
  });
}

export const operatorGrant = operatorChange('grant');
export const operatorRevoke = operatorChange('revoke');

export const operatorList = defineCommand({
  name: 'operator list',
  summary: 'list the operators, their roles and the invitations not accepted yet',
  options: {},
  async run(context) {
    const operators = operatorsOf(context);
    const [records, invitations] = [await operators.list(), await operators.listInvitations()];
    const lines = [...records.map(describe), ...invitations.map(describeInvitation)];
    return {
      json: { operators: records.map(operatorJson), invitations: invitations.map(invitationJson) },
      text: lines.length ? lines.join('\n') : 'no operator',
    };
  },
});

export { operatorsOf };
