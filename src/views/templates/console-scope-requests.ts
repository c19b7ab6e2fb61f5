// The console's scope requests: the list of a status (pending by default) with each decision and its
// reason, and one request's page where the Métropole approves it or refuses it with a reason. Those who
// may not decide see the same list without the way to decide.
import { dateOf } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { selectField, textArea } from './console-fields.js';
import { consolePage, type ConsoleFrame } from './console-frame.js';
import { csrfInput } from './fields.js';
import type { ConsoleFormFault } from './console-communes.js';

export const SCOPE_REQUEST_STATUSES = ['pending', 'approved', 'refused', 'all'] as const;
export type ScopeRequestStatusFilter = (typeof SCOPE_REQUEST_STATUSES)[number];

/** A scope request as the operators' API answers it. */
export interface ConsoleScopeRequest {
  id: number;
  client_id: string;
  client_name: string;
  commune: string;
  scope: string;
  status: 'pending' | 'approved' | 'refused';
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}

export interface ConsoleScopeRequestsView {
  status: ScopeRequestStatusFilter;
  requests: ConsoleScopeRequest[];
  total: number;
  offset: number;
  limit: number;
  /** The Métropole decides; others read. */
  mayDecide: boolean;
}

const when = (page: PageContext, iso: string | null) => (iso ? dateOf(page, new Date(iso), 'short') : '—');

function decision(page: PageContext, r: ConsoleScopeRequest): SafeHtml {
  const { t } = page;
  if (r.status === 'pending') return html`<span class="status">${t('console.scope_requests.statuses.pending')}</span>`;
  return html`<span class="status">${t(`console.scope_requests.statuses.${r.status}`)}</span><br>${t('console.scope_requests.decided', {
    who: r.decided_by ?? '—',
    date: when(page, r.decided_at),
  })}${r.reason ? html`<br>${t('console.scope_requests.reason_is', { reason: r.reason })}` : ''}`;
}

const pageLink = (status: ScopeRequestStatusFilter, offset: number) =>
  `/admin/scope-requests?${new URLSearchParams({ status, offset: String(offset) }).toString()}`;

export function consoleScopeRequestsPage(page: PageContext, frame: ConsoleFrame, view: ConsoleScopeRequestsView): SafeHtml {
  const { t } = page;
  const filter = html`<form method="get" action="/admin/scope-requests" class="filters">
${selectField({
  name: 'status',
  label: t('console.scope_requests.filter'),
  choices: SCOPE_REQUEST_STATUSES.map((s) => ({ value: s, label: t(`console.scope_requests.filters.${s}`) })),
  value: view.status,
})}
<button type="submit" class="secondary">${t('console.scope_requests.show')}</button>
</form>`;
  const rows = view.requests.map(
    (r) =>
      html`<tr><td>${r.client_name}<br><code>${r.client_id}</code></td><td>${r.commune}</td><td><code>${r.scope}</code></td><td>${r.requested_by}<br>${when(page, r.requested_at)}</td><td>${decision(page, r)}</td>${
        view.mayDecide
          ? html`<td>${
              r.status === 'pending'
                ? html`<a href="/admin/scope-requests/${r.id}" aria-label="${t('console.scope_requests.decide_label', { client: r.client_name, scope: r.scope })}">${t('console.scope_requests.decide')}</a>`
                : '—'
            }</td>`
          : ''
      }</tr>`,
  );
  const table = view.requests.length
    ? html`<div class="table-scroll"><table><caption>${t(`console.scope_requests.captions.${view.status}`, { count: view.total })}</caption>
<thead><tr><th scope="col">${t('console.scope_requests.columns.client')}</th><th scope="col">${t('console.scope_requests.columns.commune')}</th><th scope="col">${t('console.scope_requests.columns.scope')}</th><th scope="col">${t('console.scope_requests.columns.requested')}</th><th scope="col">${t('console.scope_requests.columns.decision')}</th>${
        view.mayDecide ? html`<th scope="col">${t('console.scope_requests.columns.action')}</th>` : ''
      }</tr></thead>
<tbody>${rows}</tbody></table></div>`
    : html`<p>${t(`console.scope_requests.empty.${view.status}`)}</p>`;
  const previous =
    view.offset > 0
      ? html`<a href="${pageLink(view.status, Math.max(0, view.offset - view.limit))}">${t('console.scope_requests.previous')}</a>`
      : '';
  const next =
    view.offset + view.requests.length < view.total
      ? html`<a href="${pageLink(view.status, view.offset + view.limit)}">${t('console.scope_requests.next')}</a>`
      : '';
  return consolePage(
    page,
    frame,
    t('console.scope_requests.title'),
    html`<p>${t(view.mayDecide ? 'console.scope_requests.intro_decide' : 'console.scope_requests.intro_read')}</p>
${filter}
${table}
${previous || next ? html`<nav aria-label="${t('console.scope_requests.pages')}"><p>${previous} ${next}</p></nav>` : ''}`,
  );
}

export interface ConsoleScopeRequestView {
  request: ConsoleScopeRequest;
  /** The values and refusal of the form that was posted, if one was. */
  approve?: { reason: string; fault?: ConsoleFormFault | undefined } | undefined;
  refuse?: { reason: string; fault?: ConsoleFormFault | undefined } | undefined;
}

/** One pending request and the two decisions, each a form of its own with its reason (required to refuse). */
export function consoleScopeRequestPage(page: PageContext, frame: ConsoleFrame, view: ConsoleScopeRequestView): SafeHtml {
  const { t } = page;
  const r = view.request;
  const reasonOf = (form: 'approve' | 'refuse') => {
    const posted = view[form];
    return textArea({
      // One name per form (the API's "reason"), one id per page: each form's own field.
      name: `${form}-reason`,
      label: form === 'approve' ? t('console.scope_requests.approve_reason') : t('console.scope_requests.refuse_reason'),
      hint: form === 'approve' ? t('console.scope_requests.approve_hint') : t('console.scope_requests.refuse_hint'),
      value: posted?.reason,
      error: posted?.fault?.field === 'reason' ? posted.fault.message : undefined,
      required: form === 'refuse',
      rows: 3,
    });
  };
  return consolePage(
    page,
    frame,
    t('console.scope_requests.request_title', { client: r.client_name, scope: r.scope }),
    html`<dl>
<dt>${t('console.scope_requests.columns.client')}</dt><dd>${r.client_name} (<code>${r.client_id}</code>)</dd>
<dt>${t('console.scope_requests.columns.commune')}</dt><dd>${r.commune}</dd>
<dt>${t('console.scope_requests.columns.scope')}</dt><dd><code>${r.scope}</code></dd>
<dt>${t('console.scope_requests.columns.requested')}</dt><dd>${r.requested_by}, ${when(page, r.requested_at)}</dd>
</dl>
<section aria-labelledby="approve-title"><h2 id="approve-title">${t('console.scope_requests.approve_title')}</h2>
<form method="post" action="/admin/scope-requests/${r.id}/approve">
${csrfInput(frame.csrfToken)}
${reasonOf('approve')}
<button type="submit">${t('console.scope_requests.approve')}</button>
</form></section>
<section aria-labelledby="refuse-title"><h2 id="refuse-title">${t('console.scope_requests.refuse_title')}</h2>
<form method="post" action="/admin/scope-requests/${r.id}/refuse">
${csrfInput(frame.csrfToken)}
${reasonOf('refuse')}
<button type="submit" class="danger">${t('console.scope_requests.refuse')}</button>
</form></section>
<p><a href="/admin/scope-requests">${t('console.scope_requests.back')}</a></p>`,
  );
}
