// The console's home: the operator's communes, what waits for them (scope requests), the last changes.
import { dateOf } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { consolePage, type ConsoleFrame } from './console-frame.js';

export interface ConsoleHomeView {
  communes: { slug: string; name: string }[];
  pendingRequests: { id: number; clientName: string; commune: string; scope: string; requestedAt: Date }[];
  lastChanges: { at: Date; actorLabel: string; action: string; commune: string | null }[];
}

export function consoleHomePage(page: PageContext, frame: ConsoleFrame, view: ConsoleHomeView): SafeHtml {
  const { t } = page;
  return consolePage(
    page,
    frame,
    t('console.home.title'),
    html`<div class="console-grid">
<section aria-labelledby="home-communes"><h2 id="home-communes">${t('console.home.communes')}</h2>
${
  view.communes.length
    ? html`<ul>${view.communes.map((c) => html`<li><a href="/admin/communes/${c.slug}">${c.name}</a></li>`)}</ul>`
    : html`<p>${t('console.home.no_communes')}</p>`
}</section>
<section aria-labelledby="home-waiting"><h2 id="home-waiting">${t('console.home.waiting')}</h2>
${
  view.pendingRequests.length
    ? html`<p>${t('console.home.pending_requests', { count: view.pendingRequests.length })}</p>
<ul>${view.pendingRequests.map(
        (r) =>
          html`<li>${t('console.home.pending_request', { client: r.clientName, scope: r.scope, commune: r.commune, date: dateOf(page, r.requestedAt, 'short') })}</li>`,
      )}</ul>
<p><a href="/admin/scope-requests">${t('console.home.see_requests')}</a></p>`
    : html`<p>${t('console.home.nothing_waiting')}</p>`
}</section>
</div>
<section aria-labelledby="home-changes"><h2 id="home-changes">${t('console.home.last_changes')}</h2>
${
  view.lastChanges.length
    ? html`<div class="table-scroll"><table><thead><tr><th scope="col">${t('console.audit_columns.at')}</th><th scope="col">${t('console.audit_columns.actor')}</th><th scope="col">${t('console.audit_columns.action')}</th><th scope="col">${t('console.audit_columns.commune')}</th></tr></thead>
<tbody>${view.lastChanges.map(
        (e) =>
          html`<tr><td>${dateOf(page, e.at, 'short')}</td><td>${e.actorLabel}</td><td><code>${e.action}</code></td><td>${e.commune ?? '—'}</td></tr>`,
      )}</tbody></table></div>
<p><a href="/admin/audit">${t('console.home.see_audit')}</a></p>`
    : html`<p>${t('console.home.no_changes')}</p>`
}</section>`,
  );
}
