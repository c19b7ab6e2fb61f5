// All SQL about upstream identities linked to accounts (FranceConnect): found by the upstream's sub, one link
// per provider and account, the identity as last received.
import type { Queryable } from '../db/index.js';

export type FederationProvider = 'franceconnect';

export interface FederatedIdentity {
  provider: FederationProvider;
  subject: string;
  accountId: string;
  /** The upstream's claims as last received (FranceConnect's pivot identity, its email). */
  identity: Record<string, unknown>;
  acr: string | undefined;
  linkedAt: Date;
  lastUsedAt: Date;
}

interface Row {
  provider: FederationProvider;
  subject: string;
  account_id: string;
  identity: Record<string, unknown>;
  acr: string | null;
  linked_at: Date;
  last_used_at: Date;
}

const COLUMNS = 'provider, subject, account_id, identity, acr, linked_at, last_used_at';

const toIdentity = (row: Row): FederatedIdentity => ({
  provider: row.provider,
  subject: row.subject,
  accountId: row.account_id,
  identity: row.identity,
  acr: row.acr ?? undefined,
  linkedAt: row.linked_at,
  lastUsedAt: row.last_used_at,
});

export async function findFederatedIdentity(
  db: Queryable,
  provider: FederationProvider,
  subject: string,
): Promise<FederatedIdentity | undefined> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from federated_identities where provider = $1 and subject = $2`, [
    provider,
    subject,
  ]);
  return rows[0] && toIdentity(rows[0]);
}

export async function listFederatedIdentities(db: Queryable, accountId: string): Promise<FederatedIdentity[]> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from federated_identities where account_id = $1 order by provider`, [accountId]);
  return rows.map(toIdentity);
}

/**
 * Links the upstream identity to the account; undefined when that sub is already another account's, or the account
 * already holds a link to that provider (neither is ever moved silently).
 */
export async function insertFederatedIdentity(
  db: Queryable,
  link: Pick<FederatedIdentity, 'provider' | 'subject' | 'accountId' | 'identity' | 'acr'>,
): Promise<FederatedIdentity | undefined> {
  const { rows } = await db.query<Row>(
    `insert into federated_identities (provider, subject, account_id, identity, acr) values ($1, $2, $3, $4, $5)
     on conflict do nothing returning ${COLUMNS}`,
    [link.provider, link.subject, link.accountId, JSON.stringify(link.identity), link.acr ?? null],
  );
  return rows[0] && toIdentity(rows[0]);
}

/** A later sign-in by the same sub: the identity as received now, and when. */
export async function touchFederatedIdentity(
  db: Queryable,
  provider: FederationProvider,
  subject: string,
  identity: Record<string, unknown>,
  acr: string | undefined,
): Promise<void> {
  await db.query(`update federated_identities set identity = $3, acr = $4, last_used_at = now() where provider = $1 and subject = $2`, [
    provider,
    subject,
    JSON.stringify(identity),
    acr ?? null,
  ]);
}

export async function deleteFederatedIdentity(db: Queryable, provider: FederationProvider, accountId: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from federated_identities where provider = $1 and account_id = $2', [provider, accountId]);
  return (rowCount ?? 0) > 0;
}
