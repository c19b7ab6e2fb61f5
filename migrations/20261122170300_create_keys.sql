-- Up Migration
-- Signing keys: published from created_at, used for signing from signs_from, kept published after
-- retirement until what they signed has expired (expires_at).
create table signing_keys (
  kid text primary key,
  alg text not null check (alg in ('RS256', 'ES256')),
  public_jwk jsonb not null,
  private_jwk_sealed text not null,
  created_at timestamptz not null default now(),
  signs_from timestamptz not null,
  retired_at timestamptz,
  expires_at timestamptz
);

create index signing_keys_expires_at_idx on signing_keys (expires_at);

-- Server-side secrets other than signing keys (cookie keys, the pairwise salt), encrypted under SECRET_KEY.
create table server_secrets (
  id bigint generated always as identity primary key,
  purpose text not null check (purpose in ('cookie', 'pairwise-salt')),
  value_sealed text not null,
  created_at timestamptz not null default now()
);

create index server_secrets_purpose_idx on server_secrets (purpose, created_at desc);
