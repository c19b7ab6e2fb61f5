-- Up Migration
-- The operators' console (/admin) keeps its own sessions, separate from the provider's: it ends them after
-- a while without use and at a fixed end, and its sign-out ends its session alone. Only a digest of the
-- cookie's value is kept (a stolen table opens nothing); a row lives no longer than its session (swept).
create table console_sessions (
  id_digest bytea primary key check (octet_length(id_digest) = 32),
  account_id uuid not null references accounts (id) on delete cascade,
  created_at timestamptz not null default now(),
  idle_expires_at timestamptz not null,
  expires_at timestamptz not null,
  check (idle_expires_at <= expires_at)
);
create index console_sessions_account_id_idx on console_sessions (account_id);
create index console_sessions_idle_expires_at_idx on console_sessions (idle_expires_at);
