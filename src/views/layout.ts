// The page shell every screen shares: language, title, our own stylesheet, a main landmark.
import { html, type SafeHtml } from './html.js';
import type { Locale } from '../locale.js';
import type { Translate } from './i18n.js';

export interface PageContext {
  locale: Locale;
  t: Translate;
}

export function layout(page: PageContext, title: string, body: SafeHtml): SafeHtml {
  return html`<!DOCTYPE html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${page.t('brand')}</title>
<link rel="stylesheet" href="/static/glc.css">
</head>
<body>
<header class="brand"><p>${page.t('brand')}</p></header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
<footer><p>${page.t('footer')}</p></footer>
</body>
</html>`;
}

/** The error list at the top of a form, announced to screen readers. */
export function errorSummary(page: PageContext, errors: string[]): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<div class="errors" role="alert" tabindex="-1"><h2>${page.t('form.errors_title')}</h2><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul></div>`;
}
