-- Up Migration
-- What the citizen's own account space needs: single-use links, residence, retention bookkeeping,
-- security history, the sharing journal, and tombstones so that a deleted sub is never reused.

alter table accounts
  add column commune_slug text references communes (slug) on update cascade on delete set null,
  add column retention_warnings integer not null default 0,
  add column retention_warned_at timestamptz;

create index accounts_commune_slug_idx on accounts (commune_slug) where commune_slug is not null;
create index accounts_last_activity_idx on accounts ((coalesce(last_login_at, created_at)));

-- Links sent by mail (verify an email, reset a password, confirm a new email): only their hash is kept.
create table account_tokens (
  token_hash text primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  purpose text not null check (purpose in ('verify-email', 'reset-password', 'change-email')),
  new_email text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);

create index account_tokens_account_idx on account_tokens (account_id, purpose);
create index account_tokens_expires_at_idx on account_tokens (expires_at);

create table account_tombstones (
  id uuid primary key,
  deleted_at timestamptz not null default now()
);

create function refuse_tombstoned_account_id() returns trigger language plpgsql as $$
begin
  if exists (select 1 from account_tombstones where id = new.id) then
    raise exception 'account id % belonged to a deleted account and is never reused', new.id using errcode = '23505';
  end if;
  return new;
end
$$;

create trigger accounts_never_reuse_a_sub before insert on accounts
  for each row execute function refuse_tombstoned_account_id();

create table security_events (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  kind text not null,
  ip text,
  user_agent text,
  created_at timestamptz not null default now()
);

create index security_events_account_idx on security_events (account_id, created_at desc);
create index security_events_created_at_idx on security_events (created_at);

-- Each time a site received claims about a citizen: which site, which commune, which claims (never values).
create table sharing_journal (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  client_id text not null,
  client_name text not null,
  commune_name text not null,
  claims text[] not null,
  channel text not null check (channel in ('id_token', 'userinfo')),
  created_at timestamptz not null default now()
);

create index sharing_journal_account_idx on sharing_journal (account_id, created_at desc);
create index sharing_journal_created_at_idx on sharing_journal (created_at);

-- Where a citizen is signed in: the browser and address behind each provider session, for "sessions".
create table session_activity (
  session_uid text primary key,
  account_id text not null,
  user_agent text,
  ip text,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

create index session_activity_account_idx on session_activity (account_id);
