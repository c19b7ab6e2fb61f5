// The public pages outside any flow: the home page (what GrandLyonConnect is, the communes taking part) and
// the footer's pages, whose text is Markdown an operator edits under config/ (rendered without raw HTML).
import MarkdownIt from 'markdown-it';
import { html, trusted, type SafeHtml } from '../html.js';
import { layout, type PageContext } from '../layout.js';

// html: false: a tag typed in the Markdown is shown as text, never as markup.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

export function infoPage(page: PageContext, title: string, text: string): SafeHtml {
  return layout(page, title, html`<div class="info-page">${trusted(markdown.render(text))}</div>`);
}

export function homePage(page: PageContext, communes: { name: string }[]): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('home.title'),
    html`<p>${t('home.intro')}</p>
<p>${t('home.how')}</p>
<p><a class="button" href="/account?ui_locales=${page.locale}">${t('home.account')}</a></p>
<h2>${t('home.communes_title')}</h2>
${communes.length ? html`<ul class="communes">${communes.map((commune) => html`<li>${commune.name}</li>`)}</ul>` : html`<p>${t('home.no_communes')}</p>`}`,
  );
}
