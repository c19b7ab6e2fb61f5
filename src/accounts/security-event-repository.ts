// All SQL about a citizen's security history.
import type { Queryable } from '../db/index.js';

export type SecurityEventKind =
  | 'login'
  | 'login_failed'
  | 'password_changed'
  | 'password_reset'
  | 'email_changed'
  | 'email_verified'
  | 'service_revoked'
  | 'session_ended'
  | 'all_sessions_ended'
  | 'profile_updated'
  | 'account_created'
  | 'totp_enabled'
  | 'totp_disabled'
  | 'recovery_codes_generated'
  | 'recovery_code_used'
  | 'passkey_added'
  | 'passkey_removed'
  | 'second_factor_failed'
  | 'recovered_at_counter'
  | 'franceconnect_linked'
  | 'franceconnect_unlinked';

export interface SecurityEvent {
  kind: SecurityEventKind;
  ip: string | undefined;
  userAgent: string | undefined;
  /** What the event was about (a passkey's name, the commune of a counter), for the citizen to read. */
  detail: string | undefined;
  createdAt: Date;
}

export async function insertSecurityEvent(
  db: Queryable,
  event: {
    accountId: string;
    kind: SecurityEventKind;
    ip?: string | undefined;
    userAgent?: string | undefined;
    detail?: string | undefined;
  },
): Promise<void> {
  await db.query(`insert into security_events (account_id, kind, ip, user_agent, detail) values ($1, $2, $3, $4, $5)`, [
    event.accountId,
    event.kind,
    event.ip ?? null,
    event.userAgent?.slice(0, 300) ?? null,
    event.detail?.slice(0, 200) ?? null,
  ]);
}

export async function listSecurityEvents(db: Queryable, accountId: string, limit: number): Promise<SecurityEvent[]> {
  const { rows } = await db.query<{
    kind: SecurityEventKind;
    ip: string | null;
    user_agent: string | null;
    detail: string | null;
    created_at: Date;
  }>(
    `select kind, ip, user_agent, detail, created_at from security_events where account_id = $1 order by created_at desc, id desc limit $2`,
    [accountId, limit],
  );
  return rows.map((row) => ({
    kind: row.kind,
    ip: row.ip ?? undefined,
    userAgent: row.user_agent ?? undefined,
    detail: row.detail ?? undefined,
    createdAt: row.created_at,
  }));
}

export async function deleteSecurityEventsBefore(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(`delete from security_events where created_at < $1`, [before]);
  return rowCount ?? 0;
}
