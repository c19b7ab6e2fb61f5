-- Up Migration
-- One row per throttled key (an account and an address, an account, an address, a mailbox…), shared by every
-- instance. An attempt is counted before the work it guards, in one statement that also decides (see
-- src/db/rate-limit-repository.ts): `hits` attempts since `window_ends_at` - window, and `not_before`, the
-- time before which the next attempt is refused with Retry-After (null: no wait).
create table throttles (
  key text primary key,
  hits integer not null,
  window_ends_at timestamptz not null,
  not_before timestamptz
);

-- The background sweep deletes rows whose window ended.
create index throttles_window_ends_at_idx on throttles (window_ends_at);

-- The fixed-window counters it replaces: checked before they were counted, so parallel requests slipped
-- through. Their content (at most an hour of counts) is worth nothing after a deploy.
drop table rate_limit_counters;
