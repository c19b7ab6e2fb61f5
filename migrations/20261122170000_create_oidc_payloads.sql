-- Up Migration
-- Every artefact oidc-provider persists (sessions, interactions, codes, tokens, grants…), one row each.
-- The columns beside payload are the ones the library looks things up by, plus account_id and
-- client_id so that a citizen's grants and sessions can be listed.
create table oidc_payloads (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text,
  user_code text,
  uid text,
  account_id text,
  client_id text,
  expires_at timestamptz,
  consumed_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (model, id)
);

create index oidc_payloads_grant_id_idx on oidc_payloads (grant_id) where grant_id is not null;
create index oidc_payloads_uid_idx on oidc_payloads (model, uid) where uid is not null;
create index oidc_payloads_user_code_idx on oidc_payloads (model, user_code) where user_code is not null;
create index oidc_payloads_account_idx on oidc_payloads (account_id, model, client_id) where account_id is not null;
create index oidc_payloads_expires_at_idx on oidc_payloads (expires_at) where expires_at is not null;
