// All SQL about the mail outbox. Rows hold live links and addresses: each goes once it is no longer needed.
import { oneRow, type Queryable } from '../db/index.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What the outbox keeps beside the message, so that it can forget it in time. */
export interface MailKeeping {
  /** The account the mail is about: the row is deleted with the account (a foreign key cascades). */
  accountId?: string | undefined;
  /** Deleted as soon as it is sent or given up (the goodbye mail of a deleted account). */
  eraseOnceSent?: boolean | undefined;
}

export interface QueuedMail extends OutgoingMail {
  id: number;
  attempts: number;
}

interface MailRow {
  id: number;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  attempts: number;
}

export async function insertMail(db: Queryable, mail: OutgoingMail, keeping: MailKeeping = {}): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `insert into mail_outbox (to_address, subject, text_body, html_body, account_id, erase_once_sent)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [mail.to, mail.subject, mail.text, mail.html, keeping.accountId ?? null, keeping.eraseOnceSent ?? false],
  );
  return oneRow(rows, 'insert a mail').id;
}

/** A mail queued to go out no earlier than `delaySeconds` after the transaction's start (paced: an import's). */
export interface PacedMail extends OutgoingMail, MailKeeping {
  delaySeconds: number;
}

/** Queues many mails in one statement (an import's thousands); answers how many. */
export async function insertPacedMails(db: Queryable, mails: PacedMail[]): Promise<number> {
  if (mails.length === 0) return 0;
  const { rowCount } = await db.query(
    `insert into mail_outbox (to_address, subject, text_body, html_body, account_id, erase_once_sent, send_after)
     select v.to_address, v.subject, v.text_body, v.html_body, v.account_id, v.erase_once_sent, now() + make_interval(secs => v.delay)
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::boolean[], $7::float8[])
       as v(to_address, subject, text_body, html_body, account_id, erase_once_sent, delay)`,
    [
      mails.map((m) => m.to),
      mails.map((m) => m.subject),
      mails.map((m) => m.text),
      mails.map((m) => m.html),
      mails.map((m) => m.accountId ?? null),
      mails.map((m) => m.eraseOnceSent ?? false),
      mails.map((m) => m.delaySeconds),
    ],
  );
  return rowCount ?? 0;
}

/** Takes up to `limit` due messages for this worker for `lockSeconds`; other instances skip them. */
export async function claimDueMails(db: Queryable, limit: number, lockSeconds: number): Promise<QueuedMail[]> {
  const { rows } = await db.query<MailRow>(
    `update mail_outbox set locked_until = now() + make_interval(secs => $2), attempts = attempts + 1
     where id in (
       select id from mail_outbox
       where sent_at is null and failed_at is null and send_after <= now() and (locked_until is null or locked_until < now())
       order by send_after, id limit $1 for update skip locked)
     returning id, to_address, subject, text_body, html_body, attempts`,
    [limit, lockSeconds],
  );
  return rows.map((row) => ({
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    attempts: row.attempts,
  }));
}

export async function markMailSent(db: Queryable, id: number): Promise<void> {
  await db.query(`delete from mail_outbox where id = $1 and erase_once_sent`, [id]);
  await db.query(`update mail_outbox set sent_at = now(), locked_until = null, last_error = null where id = $1`, [id]);
}

/** Schedules another attempt after `retryInSeconds`, or gives up for good when it is undefined. */
export async function markMailFailed(db: Queryable, id: number, error: string, retryInSeconds: number | undefined): Promise<void> {
  await db.query(
    `update mail_outbox set locked_until = null, last_error = $2,
       send_after = case when $3::integer is null then send_after else now() + make_interval(secs => $3::integer) end,
       failed_at = case when $3::integer is null then now() else null end
     where id = $1`,
    [id, error.slice(0, 500), retryInSeconds ?? null],
  );
  if (retryInSeconds === undefined) await db.query(`delete from mail_outbox where id = $1 and erase_once_sent`, [id]);
}

/**
 * Deletes up to `limit` mails sent or given up before `before` (body, links, address: the whole row).
 * In batches with skip locked, so that a purge never blocks delivery on another instance.
 */
export async function deleteFinishedMailsBefore(db: Queryable, before: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from mail_outbox where id in (
       select id from mail_outbox where sent_at < $1 or failed_at < $1
       limit $2 for update skip locked)`,
    [before, limit],
  );
  return rowCount ?? 0;
}
