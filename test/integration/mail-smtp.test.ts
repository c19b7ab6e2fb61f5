import { SMTPServer } from 'smtp-server';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startTestServer, type TestServer } from '../support/server.js';

interface Received {
  from: string | undefined;
  to: string[];
  data: string;
}

let smtp: SMTPServer;
let smtpPort: number;
const received: Received[] = [];
let failNext = 0;
let server: TestServer;

beforeAll(async () => {
  smtpPort = await freePort();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => {
        data += chunk.toString('utf8');
      });
      stream.on('end', () => {
        if (failNext > 0) {
          failNext -= 1;
          callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 451 }));
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  server = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
});

afterAll(async () => {
  await server.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('mail through SMTP_URL', () => {
  it('sends through the SMTP server, not to the local outbox', async () => {
    await server.accounts.register({ email: 'smtp-citizen@example.org', password: 'une phrase de passe assez longue' });
    await server.mailer.deliverDue();
    const mail = received.find((m) => m.to.includes('smtp-citizen@example.org'));
    expect(mail).toBeDefined();
    expect(mail!.from).toMatch(/^no-reply@/);
    expect(mail!.data).toMatch(/^Subject: .*V=C3=A9rifiez|^Subject: =\?UTF-8\?Q\?V=C3=A9rifiez/m);
    const unfolded = mail!.data.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(unfolded).toContain(`${server.issuer}/account/email/verify?token=`);
    expect(existsSync(join(server.dataDir, 'outbox'))).toBe(false);
  });

  it('keeps a mail the server refused and sends it on a later attempt', async () => {
    failNext = 1;
    await server.accounts.register({ email: 'retry-citizen@example.org', password: 'une phrase de passe assez longue' });
    await server.mailer.deliverDue();
    expect(received.some((m) => m.to.includes('retry-citizen@example.org'))).toBe(false);
    // The retry waits 30 s; the test moves the clock of that mail instead of waiting.
    await server.pool.query(`update mail_outbox set send_after = now() where sent_at is null`);
    await server.mailer.deliverDue();
    expect(received.filter((m) => m.to.includes('retry-citizen@example.org'))).toHaveLength(1);
  });
});
