-- Up Migration
-- Outgoing mail is written here first and sent by a worker of the server: a page never waits on SMTP,
-- and a failed send is retried with backoff instead of being lost.
create table mail_outbox (
  id bigint generated always as identity primary key,
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text not null,
  created_at timestamptz not null default now(),
  send_after timestamptz not null default now(),
  attempts integer not null default 0,
  locked_until timestamptz,
  last_error text,
  sent_at timestamptz,
  failed_at timestamptz
);

create index mail_outbox_due_idx on mail_outbox (send_after) where sent_at is null and failed_at is null;
