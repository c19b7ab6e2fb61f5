import { html, type SafeHtml } from '../html.js';
import { errorSummary, layout, type PageContext } from '../layout.js';
import { csrfInput, field } from './fields.js';
import { franceConnectButton, type FranceConnectButtonView } from './login.js';

export interface RegisterView {
  action: string;
  loginHref: string;
  csrfToken: string;
  passwordMinLength: number;
  values: { email?: string; givenName?: string; familyName?: string };
  fieldErrors: Partial<Record<'email' | 'password' | 'givenName' | 'familyName', string>>;
  franceConnect?: FranceConnectButtonView | undefined;
}

export function registerPage(page: PageContext, view: RegisterView): SafeHtml {
  const { t } = page;
  const errors = Object.values(view.fieldErrors).filter((e): e is string => Boolean(e));
  return layout(
    page,
    t('register.title'),
    html`
<p>${t('register.intro')}</p>
${errorSummary(page, errors)}
<p class="required-note">${t('layout.required_note')}</p>
<form method="post" action="${view.action}" novalidate>
${csrfInput(view.csrfToken)}
${field({ name: 'given_name', type: 'text', label: t('register.given_name'), autocomplete: 'given-name', value: view.values.givenName, error: view.fieldErrors.givenName })}
${field({ name: 'family_name', type: 'text', label: t('register.family_name'), autocomplete: 'family-name', value: view.values.familyName, error: view.fieldErrors.familyName })}
${field({ name: 'email', type: 'email', label: t('register.email'), autocomplete: 'email', value: view.values.email, error: view.fieldErrors.email, required: true })}
${field({ name: 'password', type: 'password', label: t('register.password'), autocomplete: 'new-password', error: view.fieldErrors.password, hint: t('register.password_hint', { min: view.passwordMinLength }), required: true })}
<button type="submit">${t('register.submit')}</button>
</form>
${view.franceConnect ? franceConnectButton(page, view.franceConnect, view.csrfToken) : ''}
<nav class="links" aria-label="${t('form.other_options')}"><a href="${view.loginHref}">${t('register.have_account')}</a></nav>`,
  );
}
