-- Up Migration
-- A citizen with no password of ours confirms the deletion of their account by signing in again at FranceConnect
-- (prompt=login, max_age=0). One row per such round trip, named by its state: the account and the provider's session
-- that asked, the nonce, PKCE verifier and browser digest as for a sign-in, when it left (what auth_time must not
-- precede), when its answer came (spent: a replay finds it answered) and when that answer proved the linked identity
-- signed in afresh (confirmed). The deletion takes a confirmed row of its own account and session, once.
create table franceconnect_reauthentications (
  state text primary key check (char_length(state) between 16 and 200),
  account_id uuid not null references accounts (id) on delete cascade,
  session_uid text not null check (char_length(session_uid) between 1 and 200),
  nonce text not null check (char_length(nonce) <= 200),
  code_verifier text not null check (char_length(code_verifier) <= 200),
  browser_digest text not null check (char_length(browser_digest) <= 200),
  started_at timestamptz not null default now(),
  answered_at timestamptz,
  confirmed_at timestamptz,
  expires_at timestamptz not null
);
create index franceconnect_reauthentications_expires_at_idx on franceconnect_reauthentications (expires_at);
create index franceconnect_reauthentications_account_id_idx on franceconnect_reauthentications (account_id);
