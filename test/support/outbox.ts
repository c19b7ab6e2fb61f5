// The local outbox as a test reads it: the .eml files the provider wrote under DATA_DIR/outbox/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServer } from './server.js';

export interface ReceivedMail {
  file: string;
  to: string;
  subject: string;
  raw: string;
  /** The first link to the provider found in the text part. */
  link: string | undefined;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodeHeader(value: string): string {
  // Folding whitespace between two encoded words is not part of the text (RFC 2047, 6.2).
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

export function readOutbox(dataDir: string): ReceivedMail[] {
  const dir = join(dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((file) => {
      // RFC 5322 lines end with CRLF; the parsing below reads LF.
      const raw = readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n');
      const header = (name: string) =>
        decodeHeader((new RegExp(`^${name}: (.*(?:\\n[ \\t].*)*)`, 'mi').exec(raw)?.[1] ?? '').replace(/\n[ \t]+/g, ' '));
      const decoded = decodeQuotedPrintable(raw);
      return {
        file,
        to: header('To'),
        subject: header('Subject'),
        raw: decoded,
        link: /(https?:\/\/[^\s"<>]+\?token=[\w-]+(?:&[\w%.-]+=[\w%.-]+)*)/.exec(decoded)?.[1],
      };
    });
}

/** Delivers what is queued, then answers the mails sent to `to` (newest last). */
export async function mailsTo(server: Pick<TestServer, 'mailer' | 'dataDir'>, to: string): Promise<ReceivedMail[]> {
  await server.mailer.deliverDue();
  return readOutbox(server.dataDir).filter((mail) => mail.to.includes(to));
}
