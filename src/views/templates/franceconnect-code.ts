// The page where the citizen types the code mailed to the account of FranceConnect's email, the other proof (beside
// its password) before the link: one field, a way to a new code, and the way back to the password.
import { html, type SafeHtml } from '../html.js';
import { errorSummary, layout, type PageContext } from '../layout.js';
import { csrfInput, field } from './fields.js';

export interface FranceConnectCodeView {
  email: string;
  action: string;
  resendAction: string;
  linkHref: string;
  backHref: string;
  csrfToken: string;
  error?: string | undefined;
}

export function franceConnectCodePage(page: PageContext, view: FranceConnectCodeView): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('franceconnect.code.title'),
    html`
<p>${t('franceconnect.code.intro', { email: view.email })}</p>
${errorSummary(page, view.error ? [view.error] : [])}
<p class="required-note">${t('layout.required_note')}</p>
<form method="post" action="${view.action}" novalidate>
${csrfInput(view.csrfToken)}
${field({ name: 'code', type: 'text', label: t('franceconnect.code.label'), hint: t('franceconnect.code.hint'), autocomplete: 'one-time-code', required: true, autofocus: true, error: view.error })}
<button type="submit">${t('franceconnect.code.submit')}</button>
</form>
<form method="post" action="${view.resendAction}">
${csrfInput(view.csrfToken)}
<button type="submit" class="secondary">${t('franceconnect.code.resend')}</button>
</form>
<nav class="links" aria-label="${t('form.other_options')}">
<a href="${view.linkHref}">${t('franceconnect.code.back_to_link')}</a>
<a href="${view.backHref}">${t('franceconnect.back_to_login')}</a>
</nav>`,
  );
}
