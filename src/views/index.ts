// Server-rendered pages, French first: the renderer and every template.
import type { Locale } from '../locale.js';
import { loadMessages, pickLocale, translator } from './i18n.js';
import type { PageContext } from './layout.js';

export { html, escapeHtml, SafeHtml } from './html.js';
export { pickLocale, type Translate } from './i18n.js';
export { INFO_PAGE_LINKS, type CommuneFace, type PageContext } from './layout.js';
export { loginPage, type LoginView } from './templates/login.js';
export { franceConnectCodePage, type FranceConnectCodeView } from './templates/franceconnect-code.js';
export { deleteWithFranceConnectForm } from './templates/franceconnect-delete.js';
export { registerPage, type RegisterView } from './templates/register.js';
export { consentPage, type ConsentView } from './templates/consent.js';
export { selectAccountPage, type SelectAccountView } from './templates/select-account.js';
export * from './templates/provider-pages.js';
export * from './templates/account.js';
export * from './templates/account-lists.js';
export * from './templates/account-public.js';
export * from './templates/second-factor.js';
export * from './templates/security.js';
export * from './templates/passkeys.js';
export * from './templates/info-pages.js';
export { renderMail, type RenderedMail } from './templates/mail.js';

export interface Views {
  page(locale: Locale): PageContext;
  pageFor(uiLocales: string | undefined, acceptLanguage: string | undefined): PageContext;
}

export function createViews(projectRoot: string): Views {
  const messages = loadMessages(projectRoot);
  const contexts = {
    fr: { locale: 'fr' as const, t: translator(messages, 'fr') },
    en: { locale: 'en' as const, t: translator(messages, 'en') },
  };
  return {
    page: (locale) => contexts[locale],
    pageFor: (uiLocales, acceptLanguage) => contexts[pickLocale(uiLocales, acceptLanguage)],
  };
}
export * from './templates/console-frame.js';
export * from './templates/console-fields.js';
export * from './templates/console-home.js';
export { dateOf } from './dates.js';
export * from './templates/console-communes.js';
export * from './templates/console-clients.js';
export * from './templates/console-scope-requests.js';
export * from './templates/console-audit.js';
export * from './templates/console-reports.js';
export * from './templates/console-operators.js';
export * from './templates/console-help-desk.js';
