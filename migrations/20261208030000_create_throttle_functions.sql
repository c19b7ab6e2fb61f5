-- Up Migration
-- A password check's throttles (pair, account, address) counted in one round trip instead of BEGIN, one
-- statement per key and COMMIT: the same statement per key, in the callers' order (row locks are taken
-- pair, account, address, as before, so two checks never deadlock), all of them or none. A key that must
-- still wait rolls back the keys counted before it (the block's subtransaction) and answers the seconds to
-- wait; null when every key was counted.
create function take_throttle_attempt(keys text[], frees integer[], windows integer[], first_delays integer[], max_delays integer[])
returns integer language plpgsql as $$
declare
  wait integer;
begin
  begin
    for i in 1 .. coalesce(array_length(keys, 1), 0) loop
      insert into throttles as t (key, hits, window_ends_at, not_before)
      values (keys[i], 1, now() + make_interval(secs => windows[i]),
        case when 1 < frees[i] then null
          else now() + make_interval(secs => least(first_delays[i] * power(2, least(1 - frees[i], 30)), max_delays[i])) end)
      on conflict (key) do update set
        hits = case when t.window_ends_at <= now() then 1 else t.hits + 1 end,
        window_ends_at = case when t.window_ends_at <= now() then excluded.window_ends_at else t.window_ends_at end,
        not_before = case when (case when t.window_ends_at <= now() then 1 else t.hits + 1 end) < frees[i] then null
          else now() + make_interval(secs => least(first_delays[i]
            * power(2, least((case when t.window_ends_at <= now() then 1 else t.hits + 1 end) - frees[i], 30)), max_delays[i])) end
      where t.window_ends_at <= now() or t.not_before is null or t.not_before <= now();
      if not found then
        select ceil(extract(epoch from t.not_before - now()))::integer into wait from throttles t where t.key = keys[i];
        wait := greatest(1, coalesce(wait, 1));
        raise exception 'throttled' using errcode = 'GLC01';
      end if;
    end loop;
  exception when sqlstate 'GLC01' then
    return wait;
  end;
  return null;
end $$;

-- A check that went well, or a check that never ran, in one round trip: the keys forgotten, then the keys
-- given their attempt back, one row at a time in the callers' order (the lock order of the attempt).
create function settle_throttles(forgotten text[], refunded text[]) returns void language plpgsql as $$
begin
  for i in 1 .. coalesce(array_length(forgotten, 1), 0) loop
    delete from throttles where key = forgotten[i];
  end loop;
  for i in 1 .. coalesce(array_length(refunded, 1), 0) loop
    update throttles set hits = greatest(hits - 1, 0) where key = refunded[i] and window_ends_at > now();
  end loop;
end $$;
