// The mail a citizen receives (French and English, text and HTML), its retry schedule, and the .eml
// files of the local outbox.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NoticeKind } from '../../src/accounts/index.js';
import { findProjectRoot } from '../../src/config.js';
import { createTransport, retryDelaySeconds } from '../../src/mail/index.js';
import { createViews, renderMail } from '../../src/views/index.js';

const views = createViews(findProjectRoot());
const LINK = 'https://connect.grandlyon.example/account/email/verify?token=abc&x=1';
const KINDS: NoticeKind[] = [
  'verify-email',
  'reset-password',
  'confirm-new-email',
  'email-changed',
  'password-changed',
  'account-deleted',
  'retention-warning',
  'registration-attempted',
  'email-change-attempted',
];

describe('retryDelaySeconds', () => {
  const policy = { maxAttempts: 8, firstRetrySeconds: 30, maxRetrySeconds: 3600 };
  const delayAfter = (attempts: number) => retryDelaySeconds(attempts, policy);

  it('waits firstRetrySeconds after a first failure, then twice as long each time', () => {
    expect([1, 2, 3, 4].map(delayAfter)).toEqual([30, 60, 120, 240]);
  });

  it('never waits more than maxRetrySeconds between attempts', () => {
    const patient = { ...policy, maxAttempts: 20 };
    expect(retryDelaySeconds(10, patient)).toBe(3600);
    for (let attempts = 1; attempts < 20; attempts++) expect(retryDelaySeconds(attempts, patient)).toBeLessThanOrEqual(3600);
  });

  it('gives up after maxAttempts', () => {
    expect(delayAfter(7)).toEqual(expect.any(Number));
    expect(delayAfter(8)).toBeUndefined();
    expect(delayAfter(20)).toBeUndefined();
  });
});

describe('renderMail', () => {
  it('writes the verification mail in French by default, with the link in text and HTML', () => {
    const mail = renderMail(views.page('fr'), 'verify-email', { link: LINK });
    expect(mail.subject).toBe('Vérifiez votre adresse électronique — GrandLyonConnect');
    expect(mail.text).toContain('Bonjour,');
    expect(mail.text).toContain(`\n${LINK}\n`);
    expect(mail.text).toContain('vous pouvez ignorer ce message');
    expect(mail.html).toContain('<html lang="fr">');
    expect(mail.html).toContain(`href="${LINK.replace('&', '&amp;')}"`);
  });

  it('writes it in English for a citizen who prefers English', () => {
    const mail = renderMail(views.page('en'), 'verify-email', { link: LINK });
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.subject).not.toBe(renderMail(views.page('fr'), 'verify-email', { link: LINK }).subject);
    expect(mail.text).not.toContain('Bonjour');
  });

  it.each(
    KINDS.flatMap(
      (kind) =>
        [
          [kind, 'fr'],
          [kind, 'en'],
        ] as const,
    ),
  )('has a subject and a body for %s in %s', (kind, locale) => {
    const mail = renderMail(views.page(locale), kind, { vars: { newEmail: 'nouvelle@example.org', deleteOn: '2029-01-31' } });
    expect(mail.subject).not.toContain(`mail.${kind}`);
    expect(mail.text).not.toContain(`mail.${kind}`);
    expect(mail.text).not.toMatch(/\{\w+\}/);
  });

  it('puts the variables in the text as they are and escapes them in the HTML', () => {
    const mail = renderMail(views.page('fr'), 'email-changed', { vars: { newEmail: '<b>pirate</b>@example.org' } });
    expect(mail.text).toContain('<b>pirate</b>@example.org');
    expect(mail.html).toContain('&lt;b&gt;pirate&lt;/b&gt;@example.org');
    expect(mail.html).not.toContain('<b>pirate');
  });

  it('tells to ignore only the mails that answer a request', () => {
    expect(renderMail(views.page('fr'), 'reset-password', { link: LINK }).text).toContain('ignorer ce message');
    expect(renderMail(views.page('fr'), 'password-changed', {}).text).not.toContain('ignorer ce message');
    expect(renderMail(views.page('fr'), 'password-changed', {}).html).not.toContain('<a ');
  });
});

describe('the local outbox', () => {
  it('writes one RFC 5322 file per mail, with a well-formed Message-ID', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'glc-outbox-'));
    const transport = createTransport({ smtpUrl: undefined, dataDir, from: 'GrandLyonConnect <no-reply@connect.grandlyon.example>' });
    const mail = renderMail(views.page('fr'), 'verify-email', { link: LINK });
    await transport.send({ id: 7, to: 'jeanne@example.org', ...mail });
    transport.close();

    const raw = readFileSync(join(dataDir, 'outbox', '00000007.eml'), 'utf8');
    expect(raw).toMatch(/^Message-ID: <glc-7@connect\.grandlyon\.example>\r?$/m);
    expect(raw).toMatch(/^To: jeanne@example\.org\r?$/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(raw).toMatch(/^Content-Type: text\/plain/m);
    expect(raw).toMatch(/^Content-Type: text\/html/m);
  });
});
