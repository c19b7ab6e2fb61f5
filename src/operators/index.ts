// Operators (domain): who administers which communes, and the audit log of every change they make.
import { normaliseEmail, type Account, type Accounts } from '../accounts/index.js';
import type { Config } from '../config.js';
import { withTransaction, type Pool } from '../db/index.js';
import { audited, type Actor } from './audited.js';
import { AppError, invalid, notFound } from '../errors.js';
import { maskEmail } from '../log.js';
import type { Clients, Communes, ProviderClients } from '../registry/index.js';
import { listAuditEntries, type AuditFilter, type AuditRecord } from './audit-repository.js';
import {
  findOperator,
  listOperators,
  removeOperatorRole,
  upsertOperatorRole,
  ROLES,
  type OperatorRecord,
  type OperatorSubject,
  type Role,
} from './operator-repository.js';
import { createInvitations, type InvitationMailer, type InvitationRecord, type InvitationState } from './invitations.js';
import { checkRoleCommunes, communesOf, operatorWithin, roleChangeRefusal, type Principal } from './permissions.js';
import { roleChangeCommunes } from './role-audit.js';

export { ROLES, type Role, type OperatorRecord } from './operator-repository.js';
export {
  canHelpCitizens,
  canIssueCounterCodes,
  canManageCommune,
  communesOf,
  grantableRoles,
  isMetropoleAdmin,
  roleChangeRefusal,
  type Principal,
} from './permissions.js';
export type { AuditEntry, AuditFilter, AuditRecord } from './audit-repository.js';
export { audited, type Actor, type AuditedChange, type AuditedResult } from './audited.js';
export type { InvitationMail, InvitationMailer, InvitationRecord, InvitationState } from './invitations.js';
export { createConsoleSessions, type ConsoleSessions } from './console-sessions.js';
export { deleteEndedConsoleSessions } from './console-session-repository.js';

/** Who an operator change is about: a person by email, or a program by client id. */
export type OperatorTarget = { email: string } | { clientId: string };

/** A role change's answer; `invitation` when the role waits for the owner of the address to accept it. */
export type OperatorChange = OperatorRecord & { invitation?: InvitationRecord };

/** Who administers which communes: their roles and invitations, the principal behind a token, the audit log. */
export interface Operators {
  /**
   * Gives `role` over `communes` to a client, or to the verified account of an address, with its audit row.
   * An address without a verified account is invited instead: the answer carries the `invitation`.
   * `authority`: the operator on whose rights the change rests, refused (403) a role or a commune beyond them
   * (permissions.ts, roleChangeRefusal); 'cli' (the command line, a test's set-up) may change any role. Every
   * face acting for an operator passes its principal.
   */
  grant(target: OperatorTarget, role: string, communes: string[], by: Actor, authority?: Principal | 'cli'): Promise<OperatorChange>;
  /**
   * Takes `communes` from the role, or the whole role when none are named; by address, its pending invitations
   * too. `authority` as for grant: an operator takes back only what it could have given.
   */
  revoke(target: OperatorTarget, role: string, communes: string[], by: Actor, authority?: Principal | 'cli'): Promise<OperatorChange>;
  /** The operators as `reader` may see them (operatorWithin): every one for the command line and the Métropole. */
  list(reader?: Principal | 'cli'): Promise<OperatorRecord[]>;
  /** Invitations that may still be accepted. */
  listInvitations(): Promise<InvitationRecord[]>;
  /** The invitation of a link and its state; undefined for an unknown token. */
  findInvitation(token: string): Promise<{ invitation: InvitationRecord; state: InvitationState } | undefined>;
  /** Gives the invitation's role to the signed-in account of the invited, verified address (invitations.ts says when). */
  acceptInvitation(token: string, accountId: string, origin?: string): Promise<{ invitation: InvitationRecord; record: OperatorRecord }>;
  /** The principal behind an access token, when it belongs to an operator. */
  principalFor(subject: OperatorSubject, label: string): Promise<Principal | undefined>;
  /**
   * The audit log since a date, oldest first, limited to what the principal may read (the CLI reads
   * everything); at most `limit` entries (operators.auditReadLimit unless told), narrowed by `filter`.
   */
  readAudit(since: Date, reader: Principal | 'cli', limit?: number, filter?: AuditFilter): Promise<AuditRecord[]>;
}

export interface OperatorsDeps {
  pool: Pool;
  config: Pick<Config, 'issuer' | 'operators'>;
  accounts: Pick<Accounts, 'findByEmail' | 'findById'>;
  /** Queues the invitation mail in the caller's transaction. */
  invitationMail: InvitationMailer;
  registry: Pick<Clients, 'getClient'> & Pick<Communes, 'getCommune'> & Pick<ProviderClients, 'announceClientChange'>;
}

function parseRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw invalid('role_invalid', `role: one of ${ROLES.join(', ')}`, { field: 'role' });
  return role as Role;
}

export function createOperators({ pool, config, accounts, registry, invitationMail }: OperatorsDeps): Operators {
  const invitations = createInvitations({ pool, config, mail: invitationMail });

  const emptyRecord = (subject: OperatorSubject | undefined, email?: string): OperatorRecord => ({
    accountId: subject && 'accountId' in subject ? subject.accountId : undefined,
    clientId: subject && 'clientId' in subject ? subject.clientId : undefined,
    email,
    roles: [],
  });

  /** Grants are for verified accounts only: anyone may register an address before the Métropole gives it a role. */
  async function invite(
    email: string,
    account: Account | undefined,
    role: Role,
    communes: string[],
    communeNames: string[],
    by: Actor,
  ): Promise<OperatorChange> {
    const invitation = await withTransaction(pool, (db) =>
      invitations.invite(db, { email, locale: account?.locale ?? 'fr', role, communes, communeNames }, by),
    );
    const record = account ? await findOperator(pool, { accountId: account.id }) : undefined;
    return { ...(record ?? emptyRecord(account && { accountId: account.id }, email)), invitation };
  }

  async function change(
    kind: 'grant' | 'revoke',
    target: OperatorTarget,
    roleName: string,
    communes: string[],
    by: Actor,
    authority: Principal | 'cli',
  ): Promise<OperatorChange> {
    const role = parseRole(roleName);
    const problem = kind === 'grant' ? checkRoleCommunes(role, communes) : undefined;
    if (problem) throw invalid('role_communes_invalid', problem, { field: 'commune' });
    // Before any look-up: a refused operator learns nothing of the target (its account, its invitations).
    const refusal = roleChangeRefusal(authority, role, communes);
    if (refusal) throw new AppError('forbidden', 'forbidden', refusal.message, { field: refusal.field });
    const communeNames: string[] = [];
    for (const slug of communes) communeNames.push((await registry.getCommune(slug)).name);
    let subject: OperatorSubject | undefined;
    let label: string;
    let email: string | undefined;
    if ('email' in target) {
      email = normaliseEmail(target.email);
      const account = await accounts.findByEmail(email);
      if (kind === 'grant' && !account?.emailVerified) return invite(email, account, role, communes, communeNames, by);
      subject = account && { accountId: account.id };
      label = maskEmail(account?.email ?? email);
    } else {
      const client = await registry.getClient(target.clientId);
      subject = { clientId: client.clientId };
      label = client.name;
    }
    return withTransaction(pool, async (db) => {
      // Revoking by address also withdraws the invitations still pending for it.
      const cancelled = kind === 'revoke' && email ? await invitations.cancel(db, email, role, communes, by) : [];
      if (!subject) {
        if (cancelled.length === 0) throw notFound('account_not_found', `no account or pending invitation with email ${email}`);
        return emptyRecord(undefined, email);
      }
      const known = subject;
      return audited(db, by, async (tx) => {
        const before = await findOperator(tx, known);
        if (kind === 'grant') await upsertOperatorRole(tx, known, role, communes);
        else await removeOperatorRole(tx, known, role, communes);
        const after = await findOperator(tx, known);
        // A program's roles make it an operator tool (clients.ts reads them): every instance reloads it once committed.
        if ('clientId' in known) await registry.announceClientChange(known.clientId, tx);
        return {
          result: after ?? emptyRecord(known, email),
          audit: {
            action: `operator.${kind}`,
            target: 'accountId' in known ? `account:${known.accountId}` : `client:${known.clientId}`,
            before: { label, roles: before?.roles ?? [] },
            after: { label, roles: after?.roles ?? [] },
            communeSlug: communes.length === 1 ? communes[0] : undefined,
            // Every commune the operator gains or loses, so that each of them reads the change in its audit.
            communes: roleChangeCommunes(role, communes, before, after),
          },
        };
      });
    });
  }

  return {
    grant: (target, role, communes, by, authority = 'cli') => change('grant', target, role, communes, by, authority),
    revoke: (target, role, communes, by, authority = 'cli') => change('revoke', target, role, communes, by, authority),
    list: async (reader = 'cli') =>
      (await listOperators(pool)).flatMap((record) => {
        const seen = operatorWithin(record, reader);
        return seen ? [seen] : [];
      }),
    listInvitations: () => invitations.listPending(),
    findInvitation: (token) => invitations.find(token),
    acceptInvitation: (token, accountId, origin) => invitations.accept(token, accountId, origin),

    async principalFor(subject, label) {
      // A role counts only while its account's address is verified (roles granted before invitations existed included).
      if ('accountId' in subject && !(await accounts.findById(subject.accountId))?.emailVerified) return undefined;
      const record = await findOperator(pool, subject);
      if (!record || record.roles.length === 0) return undefined;
      return { actor: 'accountId' in subject ? `account:${subject.accountId}` : `client:${subject.clientId}`, label, roles: record.roles };
    },

    readAudit(since, reader, limit = config.operators.auditReadLimit, filter = {}) {
      return listAuditEntries(pool, since, reader === 'cli' ? 'all' : communesOf(reader), limit, filter);
    },
  };
}
