// The page shell every screen shares: language, title, our own stylesheet, a main landmark.
import { html, type SafeHtml } from './html.js';
import type { Locale } from '../locale.js';
import type { Translate } from './i18n.js';

/** Where the footer's pages are (public-service conventions: accessibility, legal notice, personal data, help). */
export const INFO_PAGE_LINKS = [
  { page: 'accessibility', path: '/accessibilite' },
  { page: 'legal', path: '/mentions-legales' },
  { page: 'privacy', path: '/donnees-personnelles' },
  { page: 'help', path: '/aide' },
] as const;

/** The site and commune a flow came from, shown in the header of its pages (issue 10: the commune's face). */
export interface CommuneFace {
  siteName: string;
  communeName: string;
  logoUrl?: string | undefined;
  /** The commune's colour, as a stylesheet of its own (the CSP allows no inline style). */
  themeUrl?: string | undefined;
  /** Where "Retour à …" leads: the site's client_uri, else its commune's website. */
  backHref?: string | undefined;
  helpContact?: string | undefined;
  /** The site's privacy policy, linked from the consent page: its commune's. */
  privacyHref?: string | undefined;
}

export interface PageContext {
  locale: Locale;
  t: Translate;
  face?: CommuneFace | undefined;
  /** The operators' console's pages: wider, with tables (their own stylesheet beside ours). */
  isConsole?: boolean | undefined;
}

function header(page: PageContext): SafeHtml {
  const { face } = page;
  if (page.isConsole) return html`<header class="brand"><p>${page.t('brand')} · ${page.t('console.brand')}</p></header>`;
  if (!face) return html`<header class="brand"><p>${page.t('brand')}</p></header>`;
  return html`<header class="brand commune-face">
${face.logoUrl ? html`<img class="commune-logo" src="${face.logoUrl}" alt="" width="48" height="48">` : ''}
<p><span class="site-name">${face.siteName}</span> — ${face.communeName}</p>
<p class="through">${page.t('layout.through', { brand: page.t('brand') })}</p>
</header>
${face.backHref ? html`<p class="back-link"><a href="${face.backHref}">${page.t('layout.back_to', { site: face.siteName })}</a></p>` : ''}`;
}

export function layout(page: PageContext, title: string, body: SafeHtml): SafeHtml {
  return html`<!DOCTYPE html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${page.t('brand')}</title>
<link rel="stylesheet" href="/static/glc.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<script type="module" src="/static/forms.js"></script>
${page.face?.themeUrl ? html`<link rel="stylesheet" href="${page.face.themeUrl}">` : ''}
${page.isConsole ? html`<link rel="stylesheet" href="/static/console.css">` : ''}
</head>
<body data-show-password="${page.t('layout.show_password')}" data-hide-password="${page.t('layout.hide_password')}">
<a class="skip-link" href="#main">${page.t('layout.skip')}</a>
${header(page)}
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main>
<footer>
<nav aria-label="${page.t('layout.footer_nav')}"><ul class="footer-links">
${INFO_PAGE_LINKS.map((link) => html`<li><a href="${link.path}?ui_locales=${page.locale}">${page.t(`info_pages.${link.page}.${link.page === 'accessibility' ? 'link' : 'title'}`)}</a></li>`)}
</ul></nav>
<p>${page.t('footer')}</p>
</footer>
</body>
</html>`;
}

/** The error list at the top of a form, announced to screen readers. */
export function errorSummary(page: PageContext, errors: string[]): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<div class="errors" role="alert" tabindex="-1"><h2>${page.t('form.errors_title')}</h2><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul></div>`;
}
