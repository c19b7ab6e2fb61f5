-- Up Migration
-- The audit log refuses TRUNCATE as it refuses UPDATE and DELETE, and records every commune a change
-- touches (a syndicate's grant over several communes is visible to each of them).
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function refuse_audit_log_change();

alter table audit_log add column communes text[] not null default '{}';
create index audit_log_communes_idx on audit_log using gin (communes);
