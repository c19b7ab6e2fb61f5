// The second step of a sign-in, the authenticator app's enrolment (in a flow and in /account) and the
// recovery codes shown once.
import { html, trusted, type SafeHtml } from '../html.js';
import { errorSummary, layout, type PageContext } from '../layout.js';
import { csrfInput, field } from './fields.js';

export interface SecondFactorView {
  action: string;
  csrfToken: string;
  clientName: string;
  hasTotp: boolean;
  error?: string | undefined;
  /** The passkey button, when the account has one. */
  passkey?: SafeHtml | undefined;
}

export function secondFactorPage(page: PageContext, view: SecondFactorView): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('second_factor.title'),
    html`
<p>${t('second_factor.intro', { client: view.clientName })}</p>
${errorSummary(page, view.error ? [view.error] : [])}
${
  view.hasTotp
    ? html`<form method="post" action="${view.action}" novalidate>
${csrfInput(view.csrfToken)}
${field({ name: 'code', type: 'text', label: t('second_factor.code'), hint: t('second_factor.code_hint'), autocomplete: 'one-time-code', required: true, autofocus: true, error: view.error })}
<button type="submit">${t('second_factor.submit')}</button>
</form>`
    : ''
}
${view.passkey ?? ''}`,
  );
}

export interface FactorRequiredView {
  enrolAction: string;
  csrfToken: string;
  clientName: string;
  communeName: string;
}

/** A site asks for two factors and the account has only its password: say so, offer to set one up now. */
export function factorRequiredPage(page: PageContext, view: FactorRequiredView): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('second_factor.required_title'),
    html`
<p>${t('second_factor.required', { client: view.clientName, commune: view.communeName })}</p>
<p>${t('second_factor.required_how')}</p>
<form method="post" action="${view.enrolAction}">
${csrfInput(view.csrfToken)}
<button type="submit">${t('totp.enrol_button')}</button>
</form>`,
  );
}

export interface TotpEnrolmentView {
  qrSvg: string;
  secret: string;
  action: string;
  csrfToken: string;
  error?: string | undefined;
}

/** The QR code (drawn on the server), the secret as text for a phone that cannot scan, and the first code. */
export function totpEnrolment(page: PageContext, view: TotpEnrolmentView): SafeHtml {
  const { t } = page;
  const grouped = view.secret.replace(/(.{4})/g, '$1 ').trim();
  return html`<ol class="steps">
<li>${t('totp.step_install')}</li>
<li>${t('totp.step_scan')}<div class="qr">${trusted(view.qrSvg)}</div>
<p>${t('totp.step_manual')}</p><p><code class="secret">${grouped}</code></p></li>
<li>${t('totp.step_confirm')}</li>
</ol>
${errorSummary(page, view.error ? [view.error] : [])}
<form method="post" action="${view.action}" novalidate>
${csrfInput(view.csrfToken)}
${field({ name: 'code', type: 'text', label: t('totp.first_code'), autocomplete: 'one-time-code', required: true, autofocus: true, error: view.error })}
<button type="submit">${t('totp.confirm_button')}</button>
</form>`;
}

export function totpEnrolmentPage(page: PageContext, view: TotpEnrolmentView): SafeHtml {
  return layout(page, page.t('totp.enrol_title'), totpEnrolment(page, view));
}

/** The codes, shown this once, and what to do with them. */
export function recoveryCodesList(page: PageContext, codes: string[]): SafeHtml {
  const { t } = page;
  return html`<div class="panel" role="status"><p>${t('recovery_codes.shown_once')}</p>
<ul class="codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
<p>${t('recovery_codes.how')}</p></div>`;
}

export function recoveryCodesPage(page: PageContext, view: { codes: string[]; action: string; csrfToken: string }): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('recovery_codes.title'),
    html`<p>${t('totp.enabled')}</p>
${recoveryCodesList(page, view.codes)}
<form method="post" action="${view.action}">${csrfInput(view.csrfToken)}<button type="submit">${t('recovery_codes.continue')}</button></form>`,
  );
}
