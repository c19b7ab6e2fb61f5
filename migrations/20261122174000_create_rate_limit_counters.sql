-- Up Migration
-- Fixed-window counters for rate limits, shared by every instance (login and registration attempts).
create table rate_limit_counters (
  key text not null,
  window_start timestamptz not null,
  hits integer not null default 1,
  primary key (key, window_start)
);

create index rate_limit_counters_window_start_idx on rate_limit_counters (window_start);
