-- Up Migration
-- Second factors and passkeys (issue 9). Nothing here can be replayed from a dump: the TOTP secret is sealed
-- (JWE under SECRET_KEY), recovery and counter codes are keyed digests, a passkey is only its public key.

-- One authenticator app per account. It counts as a factor only once confirmed with a first code; the
-- last accepted time step is kept so that a code is never accepted twice.
create table totp_factors (
  account_id uuid primary key references accounts (id) on delete cascade,
  secret_sealed text not null,
  created_at timestamptz not null default now(),
  confirmed_at timestamptz,
  last_used_step bigint,
  last_used_at timestamptz
);

-- Ten one-time codes; a new set voids the old one (deleted), a used code keeps its row until then.
create table recovery_codes (
  account_id uuid not null references accounts (id) on delete cascade,
  code_digest text not null,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  primary key (account_id, code_digest)
);

create table passkeys (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  credential_id text not null unique check (length(credential_id) <= 1400),
  public_key bytea not null,
  sign_count bigint not null default 0 check (sign_count >= 0),
  transports text[] not null default '{}',
  is_backed_up boolean not null default false,
  is_multi_device boolean not null default false,
  name text not null check (length(name) between 1 and 100),
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);

create index passkeys_account_idx on passkeys (account_id);

-- A WebAuthn challenge lives until it is answered once (deleted on use) or expires. Its key names what it
-- is bound to: the citizen's session for a registration, the interaction for a sign-in.
create table webauthn_challenges (
  key text primary key check (length(key) <= 200),
  challenge text not null,
  expires_at timestamptz not null
);

create index webauthn_challenges_expiry_idx on webauthn_challenges (expires_at);

-- A sign-in under way between its steps: the account whose password (or passkey) was proved in the
-- interaction `interaction_uid`, and the proofs so far. Bound to the interaction, which only its browser holds.
create table sign_in_steps (
  interaction_uid text primary key check (length(interaction_uid) <= 100),
  account_id uuid not null references accounts (id) on delete cascade,
  proofs jsonb not null,
  expires_at timestamptz not null
);

create index sign_in_steps_expiry_idx on sign_in_steps (expires_at);

-- The code an agent hands over at a town hall's counter after checking the citizen's identity in person.
create table counter_codes (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  code_digest text not null,
  commune_slug text not null references communes (slug) on update cascade on delete cascade,
  issued_by text not null,
  issued_by_label text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);

create index counter_codes_account_idx on counter_codes (account_id) where used_at is null;
create index counter_codes_expiry_idx on counter_codes (expires_at);

alter table operators drop constraint operators_role_check;
alter table operators add constraint operators_role_check
  check (role in ('metropole-admin', 'commune-referent', 'syndicate-operator', 'counter-agent'));

-- What an event was about, for the citizen to read ("recovered at the counter of Bron", a passkey's name).
alter table security_events add column detail text check (length(detail) <= 200);
