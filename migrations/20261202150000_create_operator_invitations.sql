-- Up Migration
-- An operator role granted to an address that no verified account holds waits here as an invitation:
-- the role goes to an account only once the owner of the mailbox, signed in with a verified account of
-- that address, follows the mailed link. Only a hash of the link's token is kept.
-- The role is not constrained here: the domain checks it against its list, and operators' own check
-- guards the grant at acceptance (one list to extend when a role is added).
create table operator_invitations (
  id bigint generated always as identity primary key,
  email text not null check (email = lower(email)),
  role text not null,
  token_hash text not null,
  created_by text not null,
  created_by_label text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references accounts (id) on delete set null,
  cancelled_at timestamptz,
  check (accepted_at is null or cancelled_at is null)
);

create unique index operator_invitations_token_hash_key on operator_invitations (token_hash);
-- Revoking a role cancels the pending invitations of that address and role; listing reads the pending ones.
create index operator_invitations_pending_idx on operator_invitations (email, role)
  where accepted_at is null and cancelled_at is null;

-- The communes an invitation gives, kept like operator_communes so that a renamed commune follows.
create table operator_invitation_communes (
  invitation_id bigint not null references operator_invitations (id) on delete cascade,
  commune_slug text not null references communes (slug) on update cascade on delete cascade,
  primary key (invitation_id, commune_slug)
);

create index operator_invitation_communes_commune_idx on operator_invitation_communes (commune_slug);
