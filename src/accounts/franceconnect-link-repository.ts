// The SQL of unlinking FranceConnect: the link goes only while the account keeps another way in (a password of
// ours or a passkey), checked in the very statement that deletes it rather than in a look-up made before.
import type { Queryable } from '../db/index.js';
import type { FederationProvider } from './federated-identity-repository.js';

/** Whether the link was removed; false when there is none or the account has neither password nor passkey. */
export async function deleteLinkKeepingAWayIn(db: Queryable, provider: FederationProvider, accountId: string): Promise<boolean> {
  // The account's row locked first, as deletePasskey does: an unlink and a removal of the last passkey at once
  // cannot both go (`db` is the caller's transaction).
  await db.query(`select 1 from accounts where id = $1 for update`, [accountId]);
  const { rowCount } = await db.query(
    `delete from federated_identities f
     where f.provider = $1 and f.account_id = $2
       and (exists (select 1 from accounts a where a.id = f.account_id and a.password_hash is not null)
            or exists (select 1 from passkeys p where p.account_id = f.account_id))`,
    [provider, accountId],
  );
  return (rowCount ?? 0) > 0;
}
