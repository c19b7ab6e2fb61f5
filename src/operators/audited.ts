// The one way a change is audited: the change and its audit row are written in one transaction, so that
// neither exists without the other (the API, the command line and dynamic registration alike).
import { withTransaction, type Pool, type PoolClient, type UnitOfWork } from '../db/index.js';
import { insertAuditEntry, type AuditEntry } from './audit-repository.js';

/** Who makes a change: an operator of the API, the command line (with the machine user), a registering client. */
export interface Actor {
  actor: string;
  label?: string | undefined;
  origin?: string | undefined;
}

/** What a change says of itself in the audit log; who made it comes from the actor. */
export type AuditedChange = Omit<AuditEntry, 'actor' | 'actorLabel' | 'origin'>;

/** What the work of an audited change answers: its result, and its audit entry. */
export interface AuditedResult<T> {
  result: T;
  audit: AuditedChange;
}

/**
 * Runs `work` (the change, through `tx`) and writes its audit row in the same transaction; effects the
 * work registers on the unit run once both are committed. Given an open transaction's client, joins it.
 */
export function audited<T>(
  db: Pool | PoolClient,
  by: Actor,
  work: (tx: PoolClient, unit: UnitOfWork) => AuditedResult<T> | Promise<AuditedResult<T>>,
): Promise<T> {
  return withTransaction(db, async (tx, unit) => {
    const { result, audit } = await work(tx, unit);
    await insertAuditEntry(tx, { ...audit, actor: by.actor, actorLabel: by.label, origin: by.origin });
    return result;
  });
}
