-- Up Migration
-- A sign-in through FranceConnect (federation/) leaves the browser twice: to sign in there, and to sign out there.
-- Each round trip is a row named by the `state` we sent, spent by the one answer that comes back with it.
-- A sign-in: the interaction it belongs to, its nonce and PKCE verifier, and a digest of the cookie that binds it to
-- the browser that started it. A sign-out: where our logout goes on once FranceConnect has ended its session.
create table federation_round_trips (
  state text primary key check (char_length(state) between 16 and 200),
  kind text not null check (kind in ('sign_in', 'sign_out')),
  interaction_uid text check (char_length(interaction_uid) <= 200),
  nonce text check (char_length(nonce) <= 200),
  code_verifier text check (char_length(code_verifier) <= 200),
  browser_digest text check (char_length(browser_digest) <= 200),
  continue_to text check (char_length(continue_to) <= 4000),
  expires_at timestamptz not null,
  check ((kind = 'sign_in') = (interaction_uid is not null and nonce is not null and code_verifier is not null and browser_digest is not null)),
  check ((kind = 'sign_out') = (continue_to is not null))
);
create index federation_round_trips_expires_at_idx on federation_round_trips (expires_at);

-- The identity FranceConnect vouched for, waiting for its interaction to finish (a link page may first ask the
-- password of the account of that email), then for the provider's session it opened: its ID token (sealed) is the
-- id_token_hint of the sign-out there. Keyed by the interaction until the sign-in resumes, then by the session's uid.
create table federation_sign_ins (
  key_kind text not null check (key_kind in ('interaction', 'session')),
  key text not null check (char_length(key) between 1 and 200),
  provider text not null check (provider in ('franceconnect')),
  subject text not null check (char_length(subject) between 1 and 255),
  identity jsonb not null check (jsonb_typeof(identity) = 'object'),
  acr text not null check (char_length(acr) <= 100),
  account_id uuid references accounts (id) on delete cascade,
  id_token_sealed text not null,
  expires_at timestamptz not null,
  primary key (key_kind, key)
);
create index federation_sign_ins_expires_at_idx on federation_sign_ins (expires_at);
create index federation_sign_ins_account_id_idx on federation_sign_ins (account_id);
