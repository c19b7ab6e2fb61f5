// The security section of /account: the authenticator app, the recovery codes, and the passkeys (their
// section is drawn by templates/passkeys.ts and given here).
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { csrfInput, field } from './fields.js';
import { recoveryCodesList, totpEnrolment, type TotpEnrolmentView } from './second-factor.js';

export interface SecurityView {
  csrfToken: string;
  totp: { state: 'none' } | { state: 'pending' } | { state: 'active'; confirmedAt: Date };
  recoveryCodes: { total: number; remaining: number };
  /** Shown once, just after they were made. */
  newCodes?: string[] | undefined;
  passkeys?: SafeHtml | undefined;
}

const dateOf = (page: PageContext, date: Date) => date.toLocaleDateString(page.locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long' });

function totpPart(page: PageContext, view: SecurityView): SafeHtml {
  const { t } = page;
  if (view.totp.state === 'active') {
    return html`<p>${t('totp.active_since', { date: dateOf(page, view.totp.confirmedAt) })}</p>
<h3>${t('totp.disable_title')}</h3><p>${t('totp.disable_intro')}</p>
<form method="post" action="/account/security/totp/disable" novalidate>
${csrfInput(view.csrfToken)}
${field({ name: 'current_password', type: 'password', label: t('totp.current_password'), autocomplete: 'current-password', required: true })}
${field({ name: 'code', type: 'text', label: t('totp.current_code'), autocomplete: 'one-time-code', required: true })}
<button type="submit" class="secondary">${t('totp.disable_button')}</button>
</form>`;
  }
  return html`<p>${t(view.totp.state === 'pending' ? 'totp.pending' : 'totp.none')}</p>
<form method="post" action="/account/security/totp">${csrfInput(view.csrfToken)}<button type="submit">${t('totp.enrol_button')}</button></form>`;
}

function recoveryPart(page: PageContext, view: SecurityView): SafeHtml {
  const { t } = page;
  if (view.newCodes) return recoveryCodesList(page, view.newCodes);
  if (view.totp.state !== 'active') return html``;
  return html`<p>${view.recoveryCodes.total ? t('recovery_codes.remaining', { remaining: String(view.recoveryCodes.remaining), total: String(view.recoveryCodes.total) }) : t('recovery_codes.none')}</p>
<form method="post" action="/account/security/recovery-codes" novalidate>
${csrfInput(view.csrfToken)}
${field({ name: 'current_password', type: 'password', label: t('totp.current_password'), autocomplete: 'current-password', required: true })}
<button type="submit" class="secondary">${t('recovery_codes.regenerate')}</button>
</form>`;
}

export function securitySection(page: PageContext, view: SecurityView): SafeHtml {
  const { t } = page;
  return html`<section aria-labelledby="totp-title"><h2 id="totp-title">${t('totp.section_title')}</h2>${totpPart(page, view)}</section>
<section aria-labelledby="codes-title"><h2 id="codes-title">${t('recovery_codes.section_title')}</h2>${recoveryPart(page, view)}</section>
${view.passkeys ?? ''}`;
}

/** The app's enrolment inside the account space. */
export function securityTotpEnrolment(page: PageContext, view: TotpEnrolmentView): SafeHtml {
  return html`<h2>${page.t('totp.enrol_title')}</h2>${totpEnrolment(page, view)}`;
}
