// Mail to citizens, in their language, as plain text and HTML.
import { html } from '../html.js';
import type { PageContext } from '../layout.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function renderMail(
  page: PageContext,
  kind: string,
  view: { link?: string | undefined; vars?: Record<string, string> | undefined },
): RenderedMail {
  const { t } = page;
  const subject = `${t(`mail.${kind}.subject`)} — ${t('brand')}`;
  const body = t(`mail.${kind}.body`, view.vars ?? {});
  const isRequest = kind === 'verify-email' || kind === 'reset-password' || kind === 'confirm-new-email';
  const text = [
    t('mail.greeting'),
    '',
    body,
    ...(view.link ? ['', view.link] : []),
    ...(isRequest ? ['', t('mail.ignore')] : []),
    '',
    t('mail.signature'),
    '',
  ].join('\n');
  const markup = html`<!DOCTYPE html><html lang="${page.locale}"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: sans-serif; color: #1b1b1b; line-height: 1.5">
<p>${t('mail.greeting')}</p><p>${body}</p>
${view.link ? html`<p><a href="${view.link}" style="color: #0b4f9c">${view.link}</a></p>` : ''}
${isRequest ? html`<p>${t('mail.ignore')}</p>` : ''}
<p>${t('mail.signature')}</p></body></html>`;
  return { subject, text, html: markup.toString() };
}
