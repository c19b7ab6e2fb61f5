// Operators (domain): who administers which communes, and the audit log of every change they make.
import type { Accounts } from '../accounts/index.js';
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { invalid, notFound } from '../errors.js';
import { maskEmail } from '../log.js';
import type { Registry } from '../registry/index.js';
import { insertAuditEntry, listAuditEntries, type AuditEntry, type AuditRecord } from './audit-repository.js';
import {
  findOperator, listOperators, removeOperatorRole, upsertOperatorRole, ROLES,
  type OperatorRecord, type OperatorSubject, type Role,
} from './operator-repository.js';
import { checkRoleCommunes, communesOf, type Principal } from './permissions.js';

export { ROLES, type Role, type OperatorRecord } from './operator-repository.js';
export { canManageCommune, communesOf, isMetropoleAdmin, type Principal } from './permissions.js';
export type { AuditEntry, AuditRecord } from './audit-repository.js';
export { insertAuditEntry } from './audit-repository.js';

/** Who an operator change is about: a person by email, or a program by client id. */
export type OperatorTarget = { email: string } | { clientId: string };

/** Who makes a change: an operator of the API, or the command line (with the machine user). */
export interface Actor {
  actor: string;
  label?: string;
  origin?: string;
}

export interface OperatorsDeps {
  pool: Pool;
  accounts: Pick<Accounts, 'findByEmail'>;
  registry: Pick<Registry, 'getClient' | 'getCommune'>;
}

function parseRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw invalid('role_invalid', `role: one of ${ROLES.join(', ')}`, { field: 'role' });
  return role as Role;
}

export function createOperators({ pool, accounts, registry }: OperatorsDeps) {
  async function subjectOf(target: OperatorTarget): Promise<{ subject: OperatorSubject; label: string }> {
    if ('email' in target) {
      const account = await accounts.findByEmail(target.email);
      if (!account) throw notFound('account_not_found', `no account with email ${target.email}`);
      return { subject: { accountId: account.id }, label: maskEmail(account.email) };
    }
    const client = await registry.getClient(target.clientId);
    return { subject: { clientId: client.clientId }, label: client.name };
  }

  async function change(kind: 'grant' | 'revoke', target: OperatorTarget, roleName: string, communes: string[], by: Actor): Promise<OperatorRecord> {
    const role = parseRole(roleName);
    const problem = kind === 'grant' ? checkRoleCommunes(role, communes) : undefined;
    if (problem) throw invalid('role_communes_invalid', problem, { field: 'commune' });
    for (const slug of communes) await registry.getCommune(slug);
    const { subject, label } = await subjectOf(target);
    const empty: OperatorRecord = {
      accountId: 'accountId' in subject ? subject.accountId : undefined,
      clientId: 'clientId' in subject ? subject.clientId : undefined,
      email: 'email' in target ? target.email : undefined,
      roles: [],
    };
    return withTransaction(pool, async (db) => {
      const before = await findOperator(db, subject);
      if (kind === 'grant') await upsertOperatorRole(db, subject, role, communes);
      else await removeOperatorRole(db, subject, role, communes);
      const after = await findOperator(db, subject);
      await insertAuditEntry(db, {
        actor: by.actor, actorLabel: by.label, origin: by.origin, action: `operator.${kind}`,
        target: 'accountId' in subject ? `account:${subject.accountId}` : `client:${subject.clientId}`,
        before: { label, roles: before?.roles ?? [] }, after: { label, roles: after?.roles ?? [] },
        communeSlug: communes.length === 1 ? communes[0] : undefined,
        // Every commune the operator gains or loses, so that each of them reads the change in its audit.
        communes: [...communes, ...[...(before?.roles ?? []), ...(after?.roles ?? [])].filter((r) => r.role === role).flatMap((r) => r.communes)],
      });
      return after ?? empty;
    });
  }

  return {
    grant: (target: OperatorTarget, role: string, communes: string[], by: Actor) => change('grant', target, role, communes, by),
    revoke: (target: OperatorTarget, role: string, communes: string[], by: Actor) => change('revoke', target, role, communes, by),
    list: () => listOperators(pool),

    /** The principal behind an access token, when it belongs to an operator. */
    async principalFor(subject: OperatorSubject, label: string): Promise<Principal | undefined> {
      const record = await findOperator(pool, subject);
      if (!record || record.roles.length === 0) return undefined;
      return { actor: 'accountId' in subject ? `account:${subject.accountId}` : `client:${subject.clientId}`, label, roles: record.roles };
    },

    /** Appends one audit entry, in the caller's transaction when given one. */
    audit: (entry: AuditEntry, db: Queryable = pool) => insertAuditEntry(db, entry),

    /** The audit log since a date, limited to what the principal may read (the CLI reads everything). */
    readAudit(since: Date, reader: Principal | 'cli', limit = 1000): Promise<AuditRecord[]> {
      return listAuditEntries(pool, since, reader === 'cli' ? 'all' : communesOf(reader), limit);
    },
  };
}

export type Operators = ReturnType<typeof createOperators>;
