// The consent page: who asks, exactly what will be released (each scope's words, each claim asked by name),
// and the site's privacy policy when its commune gave one.
import { html, type SafeHtml } from '../html.js';
import { layout, type PageContext } from '../layout.js';
import { csrfInput } from './fields.js';

export interface ConsentView {
  action: string;
  csrfToken: string;
  clientName: string;
  communeName: string;
  scopes: string[];
  claims: string[];
  /** Scopes asked of other resource servers than userinfo: shown, never granted unseen. */
  resources: { indicator: string; scopes: string[] }[];
  /** The site's privacy policy (its commune's, CommuneFace.privacyHref); absent, no link. */
  privacyHref?: string | undefined;
}

export function consentPage(page: PageContext, view: ConsentView): SafeHtml {
  const { t } = page;
  return layout(
    page,
    t('consent.title'),
    html`
<p>${t('consent.intro', { client: view.clientName, commune: view.communeName })}</p>
<ul class="panel">
${view.scopes.map((scope) => html`<li>${t(`consent.scope.${scope}`)}</li>`)}
${view.claims.map((claim) => html`<li><code>${claim}</code></li>`)}
${view.resources.map((r) => html`<li>${t('consent.resource', { resource: r.indicator, scopes: r.scopes.join(', ') })}</li>`)}
</ul>
${view.privacyHref ? html`<p class="privacy-link"><a href="${view.privacyHref}">${t('consent.privacy', { client: view.clientName })}</a></p>` : ''}
<form method="post" action="${view.action}">
${csrfInput(view.csrfToken)}
<div class="actions">
<button type="submit" name="decision" value="allow">${t('consent.allow')}</button>
<button type="submit" name="decision" value="deny" class="secondary">${t('consent.deny')}</button>
</div>
</form>`,
  );
}
