// When and from where each signed-in session was last seen (session_activity): written as a browser goes
// through authorization, listed by the account space, forgotten once its session is gone.
import type { Queryable } from '../db/index.js';

// A browser names itself: what the account space shows needs no more, and a row stays small whatever it sends.
const USER_AGENT_MAX_LENGTH = 300;

/** The statement of a sighting, its four values at the given parameter numbers (uid, account, browser, address). */
export function sessionSeenSql(uid: string, accountId: string, userAgent: string, ip: string): string {
  return `insert into session_activity (session_uid, account_id, user_agent, ip) values (${uid}, ${accountId}, ${userAgent}, ${ip})
    on conflict (session_uid) do update set last_seen_at = now(), user_agent = excluded.user_agent, ip = excluded.ip,
      account_id = excluded.account_id`;
}

/** What a browser says of itself, cut to what a row keeps. */
export const userAgentKept = (userAgent: string | undefined) => userAgent?.slice(0, USER_AGENT_MAX_LENGTH) ?? null;

/** A session seen (again): its account, browser and address, and now as its last sight. */
export async function recordSessionActivity(
  db: Queryable,
  activity: { uid: string; accountId: string; userAgent?: string; ip?: string },
): Promise<void> {
  await db.query({
    name: 'session-seen',
    text: sessionSeenSql('$1', '$2', '$3', '$4'),
    values: [activity.uid, activity.accountId, userAgentKept(activity.userAgent), activity.ip ?? null],
  });
}

export interface SessionActivity {
  uid: string;
  userAgent: string | undefined;
  ip: string | undefined;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** What was seen of each session of an account, by session uid. */
export async function listSessionActivity(db: Queryable, accountId: string): Promise<SessionActivity[]> {
  const { rows } = await db.query<{
    session_uid: string;
    user_agent: string | null;
    ip: string | null;
    first_seen_at: Date;
    last_seen_at: Date;
  }>(`select session_uid, user_agent, ip, first_seen_at, last_seen_at from session_activity where account_id = $1`, [accountId]);
  return rows.map((row) => ({
    uid: row.session_uid,
    userAgent: row.user_agent ?? undefined,
    ip: row.ip ?? undefined,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  }));
}

/** Activity rows whose session is gone (ended or expired). */
export async function deleteOrphanSessionActivity(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `delete from session_activity a where not exists (
       select 1 from oidc_payloads p where p.model = 'Session' and p.uid = a.session_uid and (p.expires_at is null or p.expires_at > now()))`,
  );
  return rowCount ?? 0;
}
