-- Up Migration
-- The code mailed to the account of FranceConnect's email, the other proof (beside its password) that the account
-- is the citizen's before FranceConnect is linked to it. One live code per interaction, bound to the upstream
-- identity (subject) waiting there and to the account it was mailed for; only a keyed digest of the code is kept;
-- spent by the one right answer (delete … returning), dead after a few wrong ones, swept when expired.
create table franceconnect_link_codes (
  interaction_uid text primary key check (char_length(interaction_uid) between 1 and 200),
  subject text not null check (char_length(subject) between 1 and 255),
  account_id uuid not null references accounts (id) on delete cascade,
  code_digest text not null check (char_length(code_digest) <= 200),
  failed_attempts integer not null default 0,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index franceconnect_link_codes_expires_at_idx on franceconnect_link_codes (expires_at);
create index franceconnect_link_codes_account_id_idx on franceconnect_link_codes (account_id);
