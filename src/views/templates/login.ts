import { html, type SafeHtml } from '../html.js';
import { errorSummary, layout, type PageContext } from '../layout.js';
import { csrfInput, field } from './fields.js';
import { passkeyLoginFragment } from './passkeys.js';

export interface LoginView {
  action: string;
  registerHref: string;
  forgotHref: string;
  /** "J'ai un code remis en mairie": recovery with the code an agent handed over. */
  counterHref: string;
  /** Passkey sign-in (needs JavaScript; the password form works without). */
  passkey?: { optionsUrl: string; action: string } | undefined;
  csrfToken: string;
  clientName: string;
  communeName: string;
  email?: string | undefined;
  error?: string | undefined;
}

export function loginPage(page: PageContext, view: LoginView): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('login.title'),
    html`
<p>${t('login.intro', { client: view.clientName, commune: view.communeName })}</p>
${errorSummary(page, view.error ? [view.error] : [])}
<p class="required-note">${t('layout.required_note')}</p>
<form method="post" action="${view.action}" novalidate>
${csrfInput(view.csrfToken)}
${field({ name: 'email', type: 'email', label: t('login.email'), autocomplete: view.passkey ? 'username webauthn' : 'username', value: view.email, required: true, autofocus: !view.email })}
${field({ name: 'password', type: 'password', label: t('login.password'), autocomplete: 'current-password', required: true, autofocus: Boolean(view.email), error: view.error })}
<button type="submit">${t('login.submit')}</button>
</form>
${view.passkey ? passkeyLoginFragment(page, { ...view.passkey, csrfToken: view.csrfToken }) : ''}
<nav class="links" aria-label="${t('form.other_options')}">
<a href="${view.registerHref}">${t('login.create_account')}</a>
<a href="${view.forgotHref}">${t('login.forgot_password')}</a>
<a href="${view.counterHref}">${t('counter.link')}</a>
</nav>`,
  );
}
