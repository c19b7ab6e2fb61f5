-- Up Migration
-- Operators: a GrandLyonConnect account (a person) or a client (a program) with a role, and for
-- referents and syndicate operators the communes they manage.
create table operators (
  id bigint generated always as identity primary key,
  account_id uuid references accounts (id) on delete cascade,
  client_id text references clients (client_id) on delete cascade,
  role text not null check (role in ('metropole-admin', 'commune-referent', 'syndicate-operator')),
  created_at timestamptz not null default now(),
  check ((account_id is null) <> (client_id is null))
);

create unique index operators_account_role_key on operators (account_id, role) where account_id is not null;
create unique index operators_client_role_key on operators (client_id, role) where client_id is not null;

create table operator_communes (
  operator_id bigint not null references operators (id) on delete cascade,
  commune_slug text not null references communes (slug) on update cascade on delete cascade,
  primary key (operator_id, commune_slug)
);

create index operator_communes_commune_idx on operator_communes (commune_slug);

-- Every change by an operator or the CLI, appended and never edited: the product has no path that
-- updates or deletes a row, and the database refuses it too.
create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor text not null,
  actor_label text,
  action text not null,
  commune_slug text,
  target text,
  before jsonb,
  after jsonb,
  origin text
);

create index audit_log_at_idx on audit_log (at);
create index audit_log_commune_idx on audit_log (commune_slug, at);

create function refuse_audit_log_change() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only' using errcode = '42501';
end
$$;

create trigger audit_log_append_only before update or delete on audit_log
  for each statement execute function refuse_audit_log_change();

-- Sign-ins per commune and client: the usage indicator shared services are billed on.
create table sign_ins (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  client_id text not null,
  commune_slug text not null,
  account_id text not null
);

create index sign_ins_at_idx on sign_ins (at, commune_slug, client_id);

-- Which commune's site a citizen registered from (new accounts per commune).
alter table accounts add column registered_via_client text;
create index accounts_created_at_idx on accounts (created_at);
