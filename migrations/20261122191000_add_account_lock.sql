-- Up Migration
-- A metropole-admin may lock an account (fraud, a citizen's request): it cannot sign in until unlocked.
alter table accounts add column locked_at timestamptz;
