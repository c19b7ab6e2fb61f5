-- Up Migration
-- The per-commune client registry: every relying-party client belongs to exactly one commune.
create table communes (
  slug text primary key check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 63),
  name text not null check (length(name) between 1 and 200),
  insee_code text unique check (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
  population integer check (population >= 0),
  is_pilot boolean not null default false,
  offer text not null default 'global' check (offer in ('global', 'restricted')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table clients (
  client_id text primary key,
  commune_slug text not null references communes (slug) on update cascade,
  name text not null check (length(name) between 1 and 200),
  -- OIDC client metadata (RFC 7591 names) as validated by the provider's own client schema; no secret.
  metadata jsonb not null,
  -- The client secret, encrypted under SECRET_KEY (the provider must compare it in clear).
  client_secret_sealed text,
  is_first_party boolean not null default false,
  is_enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index clients_commune_slug_idx on clients (commune_slug);
