-- Up Migration
-- Sensitive claims need approval: a client created by a commune referent, a syndicate operator or
-- dynamic registration gets openid profile email at once; each further scope waits here for the
-- Métropole's decision, and is not granted until approved.
create table scope_requests (
  id bigint generated always as identity primary key,
  client_id text not null references clients (client_id) on delete cascade,
  scope text not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'refused')),
  requested_by text not null,
  requested_at timestamptz not null default now(),
  decided_by text,
  decided_at timestamptz,
  reason text,
  unique (client_id, scope)
);

create index scope_requests_status_idx on scope_requests (status, requested_at);

-- Initial access tokens for dynamic client registration, each bound to the commune it registers into.
create table registration_tokens (
  jti text primary key,
  commune_slug text not null references communes (slug) on update cascade on delete cascade,
  created_by text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create index registration_tokens_expires_at_idx on registration_tokens (expires_at);
