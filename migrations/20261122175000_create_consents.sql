-- Up Migration
-- What a citizen allowed each site, remembered apart from grants: grants and their tokens end at logout
-- (unless offline access), while consent is asked once per client.
create table consents (
  account_id text not null,
  client_id text not null,
  scopes text[] not null,
  claims text[] not null default '{}',
  granted_at timestamptz not null default now(),
  primary key (account_id, client_id)
);

create index consents_client_idx on consents (client_id);
