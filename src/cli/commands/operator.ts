import { createAccounts } from '../../accounts/index.js';
import { createOperators, type InvitationRecord, type OperatorChange, type OperatorRecord, type OperatorTarget } from '../../operators/index.js';
import { createRegistry } from '../../registry/index.js';
import { createInvitationMailer } from '../../services/operator-invitation-mail.js';
import { cliActor } from '../actor.js';
import { parse, required, UsageError } from '../args.js';
import type { CliContext } from '../context.js';
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
    ...(record.accountId ? { account: record.accountId, email: record.email ?? null } : record.clientId ? { client_id: record.clientId } : { email: record.email ?? null }),
    roles: record.roles.map((r) => ({ role: r.role, communes: r.communes })),
  };
}

function invitationJson(invitation: InvitationRecord) {
  return {
    email: invitation.email, role: invitation.role, communes: invitation.communes, expires_at: invitation.expiresAt.toISOString(),
    created_by: invitation.createdBy, created_at: invitation.createdAt.toISOString(),
  };
}

const OPTIONS = {
  email: { type: 'string' }, client: { type: 'string' }, role: { type: 'string' }, commune: { type: 'string', multiple: true },
} as const;

function targetOf(values: { email?: string | undefined; client?: string | undefined }): OperatorTarget {
  if (Boolean(values.email) === Boolean(values.client)) throw new UsageError('give exactly one of --email or --client');
  return values.email ? { email: values.email } : { clientId: values.client! };
}

const roleText = (r: { role: string; communes: string[] }) => (r.communes.length ? `${r.role} (${r.communes.join(', ')})` : r.role);

function describe(record: OperatorRecord): string {
  const who = record.email ?? record.clientId ?? record.accountId;
  if (record.roles.length === 0) return `${who}: no role`;
  return `${who}: ${record.roles.map(roleText).join('; ')}`;
}

const describeInvitation = (invitation: InvitationRecord) =>
  `${invitation.email}: invited as ${roleText(invitation)}, until ${invitation.expiresAt.toISOString()}`;

export async function operatorChangeCommand(kind: 'grant' | 'revoke', context: CliContext, argv: string[]) {
  const values = parse(argv, OPTIONS);
  const target = targetOf(values as { email?: string; client?: string });
  const communes = (values.commune as string[] | undefined) ?? [];
  const mail = cliMailer(context);
  let change: OperatorChange;
  try {
    change = await operatorsOf(context, mail)[kind](target, required(values, 'role'), communes, cliActor());
  } finally {
    await mail.flush();
  }
  const { invitation } = change;
  return {
    json: { ...operatorJson(change), ...(invitation ? { invitation: invitationJson(invitation) } : {}) },
    // No verified account holds the address: the role waits for its owner, who got the link by mail.
    text: invitation ? `${describeInvitation(invitation)} (invitation mailed; the role is given once it is accepted)` : describe(change),
  };
}

export async function operatorListCommand(context: CliContext, argv: string[]) {
  parse(argv, {});
  const operators = operatorsOf(context);
  const [records, invitations] = [await operators.list(), await operators.listInvitations()];
  const lines = [...records.map(describe), ...invitations.map(describeInvitation)];
  return {
    json: { operators: records.map(operatorJson), invitations: invitations.map(invitationJson) },
    text: lines.length ? lines.join('\n') : 'no operator',
  };
}

export { operatorsOf };
