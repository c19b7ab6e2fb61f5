// The rows the library asks for one after another in a request, read with the first (adapter.ts keeps them
// for the request, request-scope.ts): a code or token with its grant, its session and its account; an
// interaction with its account and that account's newest grant to the site. Each is one round trip, through
// the primary key and the indexes of oidc_payloads and accounts.
import type { AdapterPayload } from 'oidc-provider';
import { accountJsonSql } from '../accounts/index.js';
import type { Queryable } from '../db/index.js';

const LIVE = (alias: string) => `(${alias}.expires_at is null or ${alias}.expires_at > now())`;

/** An id that is not an account's (a malformed one) joins no account instead of failing the cast. */
const asAccountId = (text: string) =>
  `case when ${text} ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (${text})::uuid end`;

/** A token's row with the rows the library asks next in the same request (prefetched, request-scope.ts). */
export interface PrefetchedRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
  grant_payload: AdapterPayload | null;
  session_payload: AdapterPayload | null;
  session_consumed_at: Date | null;
  account: unknown;
}

/**
 * A code or token, and with it its grant, the session it was issued in (by uid) and its account: what the
 * token and userinfo endpoints read next, one round trip instead of four.
 */
const FIND_TOKEN = {
  name: 'token-with-grant-session-account',
  text: `select p.payload, p.consumed_at, g.payload as grant_payload, s.payload as session_payload,
      s.consumed_at as session_consumed_at, ${accountJsonSql(asAccountId('p.account_id'))} as account
    from oidc_payloads p
    left join oidc_payloads g on g.model = 'Grant' and g.id = p.grant_id and ${LIVE('g')}
    left join oidc_payloads s on s.model = 'Session' and s.uid = p.payload->>'sessionUid' and ${LIVE('s')}
    where p.model = $1 and p.id = $2 and ${LIVE('p')}`,
};

const NAMED_ACCOUNT = "coalesce(p.account_id, p.payload #>> '{result,login,accountId}')";

/**
 * An interaction or session with the account it names (a finished login's, at resume) and, for an
 * interaction, that account's newest live grant to its client: what the resume asks next (grants.ts); and
 * the interaction's sign-in step so far ($3, its uid: the row's id is a digest), what its pages ask next.
 */
const FIND_WITH_ACCOUNT = {
  name: 'payload-with-account-step',
  text: `select p.payload, p.consumed_at, ${accountJsonSql(asAccountId(NAMED_ACCOUNT))} as account,
      (select json_build_object('accountId', st.account_id, 'proofs', st.proofs) from sign_in_steps st
        where st.interaction_uid = $3::text and st.expires_at > now()) as sign_in_step,
      (select json_build_object('id', g.id, 'payload', g.payload) from oidc_payloads g
        where g.account_id = ${NAMED_ACCOUNT} and g.model = 'Grant' and g.client_id = p.payload #>> '{params,client_id}'
          and ${LIVE('g')}
        order by g.created_at desc limit 1) as latest_grant
    from oidc_payloads p where p.model = $1 and p.id = $2 and ${LIVE('p')}`,
};

export interface RowWithAccount {
  payload: AdapterPayload;
  consumed_at: Date | null;
  account: unknown;
  latest_grant: { id: string; payload: AdapterPayload } | null;
  sign_in_step: { accountId: string; proofs: unknown[] } | null;
}

export async function findTokenRow(db: Queryable, model: string, storedId: string): Promise<PrefetchedRow | undefined> {
  const { rows } = await db.query<PrefetchedRow>({ ...FIND_TOKEN, values: [model, storedId] });
  return rows[0];
}

/** `interactionUid`: an interaction's, to read its sign-in step with it (none for a session). */
export async function findRowWithAccount(
  db: Queryable,
  model: string,
  storedId: string,
  interactionUid: string | null,
): Promise<RowWithAccount | undefined> {
  const { rows } = await db.query<RowWithAccount>({ ...FIND_WITH_ACCOUNT, values: [model, storedId, interactionUid] });
  return rows[0];
}
