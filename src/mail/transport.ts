// Where mail goes: the SMTP server of SMTP_URL, or, without it, one RFC 5322 .eml file per message
// under DATA_DIR/outbox/ that a developer or a test can open.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { OutgoingMail } from './mail-repository.js';

export interface MailTransport {
  send(mail: OutgoingMail & { id: number }): Promise<void>;
  close(): void;
}

/** The sender of every mail: a no-reply address of the ISSUER's host. */
export function senderOf(issuer: string): string {
  return `GrandLyonConnect <no-reply@${new URL(issuer).hostname}>`;
}

export function createTransport(options: { smtpUrl: string | undefined; dataDir: string; from: string }): MailTransport {
  // The sender's domain without the closing bracket of "Name <address>": a Message-ID is <id@domain>.
  const domain = /@([^\s>]+)/.exec(options.from)?.[1] ?? 'localhost';
  const message = (mail: OutgoingMail & { id: number }) => ({
    from: options.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<glc-${mail.id}@${domain}>`,
  });
  if (options.smtpUrl) {
    const smtp = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(mail) {
        await smtp.sendMail(message(mail));
      },
      close: () => smtp.close(),
    };
  }
  const outbox = join(options.dataDir, 'outbox');
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const { message: raw } = (await composer.sendMail(message(mail))) as unknown as { message: Buffer };
      mkdirSync(outbox, { recursive: true });
      writeFileSync(join(outbox, `${String(mail.id).padStart(8, '0')}.eml`), raw);
    },
    close: () => composer.close(),
  };
}
