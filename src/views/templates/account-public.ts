// Pages reached from a mail or from the login page, without being signed in: verify an email, forgotten
// password, new password, confirm a new email, recovery with a code handed over at a town hall, and the
// result pages.
import { html, type SafeHtml } from '../html.js';
import { errorSummary, layout, type PageContext } from '../layout.js';
import { csrfInput, field } from './fields.js';

/** Nobody is signed in here, so the page's language rides along with the form: its answer keeps it. */
const languageInput = (page: PageContext) => html`<input type="hidden" name="ui_locales" value="${page.locale}">`;

/** A link from a mail opens a page with a button: only a deliberate click uses a single-use token. */
export function confirmLinkPage(
  page: PageContext,
  view: { title: string; text: string; button: string; action: string; token: string; csrfToken: string },
): SafeHtml {
  return layout(
    page,
    view.title,
    html`<p>${view.text}</p>
<form method="post" action="${view.action}">${csrfInput(view.csrfToken)}${languageInput(page)}<input type="hidden" name="token" value="${view.token}">
<button type="submit">${view.button}</button></form>`,
  );
}

export function messagePage(page: PageContext, title: string, text: string, link?: { href: string; label: string }): SafeHtml {
  return layout(page, title, html`<p role="status">${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`);
}

/** The site a reset started from, carried by its forms (only a client the registry knows: see account-space/recovery.ts). */
const clientInput = (clientId: string | undefined) => (clientId ? html`<input type="hidden" name="client_id" value="${clientId}">` : '');

export function forgotPasswordPage(
  page: PageContext,
  view: { csrfToken: string; email?: string | undefined; sentTo?: string; clientId?: string | undefined },
): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('account.password.forgot_title'),
    html`
${view.sentTo !== undefined ? html`<p class="panel" role="status">${t('account.password.forgot_sent', { email: view.sentTo })}</p>` : ''}
<p>${t('account.password.forgot_intro')}</p>
<form method="post" action="/account/password/forgot">
${csrfInput(view.csrfToken)}${languageInput(page)}${clientInput(view.clientId)}
${field({ name: 'email', type: 'email', label: t('login.email'), autocomplete: 'username', value: view.email, required: true, autofocus: true })}
<button type="submit">${t('account.password.forgot_submit')}</button>
</form>
<p><a href="/account/recover?ui_locales=${page.locale}">${t('counter.link')}</a></p>`,
  );
}

export function resetPasswordPage(
  page: PageContext,
  view: { csrfToken: string; token: string; minLength: number; error?: string; clientId?: string | undefined },
): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('account.password.reset_title'),
    html`
${errorSummary(page, view.error ? [view.error] : [])}
<form method="post" action="/account/password/reset">
${csrfInput(view.csrfToken)}${languageInput(page)}${clientInput(view.clientId)}<input type="hidden" name="token" value="${view.token}">
${field({ name: 'new_password', type: 'password', label: t('account.password.new'), autocomplete: 'new-password', required: true, autofocus: true, error: view.error, hint: t('register.password_hint', { min: view.minLength }) })}
<button type="submit">${t('account.password.reset_submit')}</button>
</form>`,
  );
}

/** Which field a refusal of the counter recovery form is about. */
export type CounterRecoveryFault = { field: 'code' | 'new_password'; message: string };

/** "J'ai un code remis en mairie": the address of the account, the code read at the counter, a new password. */
export function counterRecoveryPage(
  page: PageContext,
  view: { csrfToken: string; minLength: number; email?: string | undefined; fault?: CounterRecoveryFault | undefined },
): SafeHtml {
  const { t } = page;
  const errorOf = (name: CounterRecoveryFault['field']) => (view.fault?.field === name ? view.fault.message : undefined);
  return layout(
    page,
    t('counter.title'),
    html`
${errorSummary(page, view.fault ? [view.fault.message] : [])}
<p>${t('counter.intro')}</p>
<form method="post" action="/account/recover">
${csrfInput(view.csrfToken)}${languageInput(page)}
${field({ name: 'email', type: 'email', label: t('counter.email'), autocomplete: 'email', value: view.email, required: true, autofocus: !view.fault })}
${field({ name: 'code', type: 'text', label: t('counter.code'), autocomplete: 'one-time-code', hint: t('counter.code_hint'), error: errorOf('code'), required: true })}
${field({ name: 'new_password', type: 'password', label: t('counter.new_password'), autocomplete: 'new-password', hint: t('register.password_hint', { min: view.minLength }), error: errorOf('new_password'), required: true })}
<button type="submit">${t('counter.submit')}</button>
</form>`,
  );
}
