-- Up Migration
-- Rotating a client's secret with an overlap (issue 10): the secret it replaced keeps working until
-- previous_secret_expires_at, decided against the database's clock, so that a commune's site can deploy its
-- new secret without an outage. Sealed like the current one (JWE under SECRET_KEY); both or neither.
alter table clients add column previous_secret_sealed text;
alter table clients add column previous_secret_expires_at timestamptz;
alter table clients add constraint clients_previous_secret_pair
  check ((previous_secret_sealed is null) = (previous_secret_expires_at is null));
