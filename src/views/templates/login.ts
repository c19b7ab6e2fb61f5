import { html, type SafeHtml } from '../html.js';
import { errorSummary, layout, type PageContext } from '../layout.js';
import { csrfInput, field } from './fields.js';
import { passkeyLoginFragment } from './passkeys.js';

/** FranceConnect's button (when it is configured): a form posting to our route that starts the flow, no script. */
export interface FranceConnectButtonView {
  action: string;
}

/**
 * After the password form (which stays the page's first), the button as FranceConnect's guidelines draw it (our own copy of the asset, from our origin), its text as
 * its alternative, then the "what is it" link (a link to franceconnect.gouv.fr, never a request to it).
 */
export function franceConnectButton(page: PageContext, view: FranceConnectButtonView, csrfToken: string): SafeHtml {
  const { t } = page;
  return html`<section class="franceconnect" aria-label="FranceConnect">
<p class="separator">${t('franceconnect.or')}</p>
<form method="post" action="${view.action}">
${csrfInput(csrfToken)}
<input type="image" class="franceconnect-button" src="/static/franceconnect-button.svg" width="214" height="56" alt="${t('franceconnect.button')}">
</form>
<p><a href="https://franceconnect.gouv.fr/">${t('franceconnect.what_is_it')}</a></p>
</section>`;
}

/** The link page: an account has the email FranceConnect gave; its password proves it is the citizen's. */
export interface FranceConnectLinkView {
  email: string;
  action: string;
  backHref: string;
  forgotHref: string;
  /** "Recevoir un code par courriel": the other proof, a code mailed to that account (its only one without a password). */
  codeAction: string;
  error?: string | undefined;
}

function franceConnectLinkPage(page: PageContext, view: FranceConnectLinkView, csrfToken: string): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('franceconnect.link.title'),
    html`
<p>${t('franceconnect.link.intro', { email: view.email })}</p>
${errorSummary(page, view.error ? [view.error] : [])}
<p class="required-note">${t('layout.required_note')}</p>
<form method="post" action="${view.action}" novalidate>
${csrfInput(csrfToken)}
${field({ name: 'password', type: 'password', label: t('franceconnect.link.password'), autocomplete: 'current-password', required: true, autofocus: true, error: view.error })}
<button type="submit">${t('franceconnect.link.submit')}</button>
</form>
<p>${t('franceconnect.link.code_offer', { email: view.email })}</p>
<form method="post" action="${view.codeAction}">
${csrfInput(csrfToken)}
<button type="submit" class="secondary">${t('franceconnect.link.send_code')}</button>
</form>
<nav class="links" aria-label="${t('form.other_options')}">
<a href="${view.backHref}">${t('franceconnect.back_to_login')}</a>
<a href="${view.forgotHref}">${t('login.forgot_password')}</a>
</nav>`,
  );
}

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
  franceConnect?: FranceConnectButtonView | undefined;
  /** Drawn instead of the login form: the account of FranceConnect's email asks its password before the link. */
  franceConnectLink?: FranceConnectLinkView | undefined;
}

export function loginPage(page: PageContext, view: LoginView): SafeHtml {
  const { t } = page;
  if (view.franceConnectLink) return franceConnectLinkPage(page, view.franceConnectLink, view.csrfToken);
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
${view.franceConnect ? franceConnectButton(page, view.franceConnect, view.csrfToken) : ''}
${view.passkey ? passkeyLoginFragment(page, { ...view.passkey, csrfToken: view.csrfToken }) : ''}
<nav class="links" aria-label="${t('form.other_options')}">
<a href="${view.registerHref}">${t('login.create_account')}</a>
<a href="${view.forgotHref}">${t('login.forgot_password')}</a>
<a href="${view.counterHref}">${t('counter.link')}</a>
</nav>`,
  );
}
