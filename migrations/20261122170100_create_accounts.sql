-- Up Migration
-- One row per citizen. The id is the subject (sub) every relying party sees, directly or pairwise.
create table accounts (
  id uuid primary key default gen_random_uuid(),
  email text not null check (length(email) between 3 and 254),
  email_verified boolean not null default false,
  password_hash text not null,
  given_name text check (length(given_name) <= 200),
  family_name text check (length(family_name) <= 200),
  phone_number text check (length(phone_number) <= 40),
  phone_number_verified boolean not null default false,
  address jsonb,
  locale text not null default 'fr' check (locale in ('fr', 'en')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_login_at timestamptz
);

-- Emails are unique whatever their case: Jeanne@Lyon.fr and jeanne@lyon.fr are one citizen.
create unique index accounts_email_key on accounts (lower(email));
