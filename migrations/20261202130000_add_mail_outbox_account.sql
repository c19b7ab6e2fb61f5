-- Up Migration
-- The outbox forgets: a mail belongs to the account it is about, and goes with it when the account is
-- deleted (in the deletion's own statement); the goodbye mail of a deleted account, about no account any
-- more, is erased as soon as it is sent. Sent and given-up mails are purged by the mail worker.
alter table mail_outbox
  add column account_id uuid references accounts (id) on delete cascade,
  add column erase_once_sent boolean not null default false;

-- Mails queued before this change belong to the account of their address, if it still has one.
update mail_outbox m set account_id = a.id from accounts a where lower(a.email) = lower(m.to_address);

create index mail_outbox_account_idx on mail_outbox (account_id) where account_id is not null;
create index mail_outbox_sent_at_idx on mail_outbox (sent_at) where sent_at is not null;
create index mail_outbox_failed_at_idx on mail_outbox (failed_at) where failed_at is not null;
