-- Up Migration
-- Two other ways a citizen proves who they are (issue 11). An account may now hold no password of ours: one
-- made from a FranceConnect identity, or imported from a commune site with only that site's password hashes.
alter table accounts alter column password_hash drop not null;

-- An upstream identity linked to an account: found again by the upstream's sub, one per provider and account.
-- The identity (FranceConnect's pivot claims) is kept as last received, for the claims it is released in.
create table federated_identities (
  provider text not null check (provider in ('franceconnect')),
  subject text not null check (char_length(subject) between 1 and 255 and subject !~ '[[:cntrl:]]'),
  account_id uuid not null references accounts (id) on delete cascade,
  identity jsonb not null default '{}'::jsonb check (jsonb_typeof(identity) = 'object'),
  acr text check (acr is null or char_length(acr) <= 100),
  linked_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  primary key (provider, subject),
  unique (provider, account_id)
);
create index federated_identities_account_id_idx on federated_identities (account_id);

-- Where an account came from on a commune site (its own user id there), and that site's password hash until the
-- citizen's first sign-in replaces every legacy hash of the account with ours (then legacy_password_hash is null).
create table legacy_accounts (
  commune_slug text not null references communes (slug) on delete cascade,
  legacy_id text not null check (char_length(legacy_id) between 1 and 200 and legacy_id !~ '[[:cntrl:]]'),
  account_id uuid not null references accounts (id) on delete cascade,
  legacy_password_hash text check (legacy_password_hash is null or char_length(legacy_password_hash) between 1 and 1000),
  imported_at timestamptz not null default now(),
  primary key (commune_slug, legacy_id)
);
create index legacy_accounts_account_id_idx on legacy_accounts (account_id);
