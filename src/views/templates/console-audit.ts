// The console's audit page: a filter form (a GET form, so that a filtered page is a link one can share or
// download as CSV), the entries oldest first as the API answers them, and links to the other pages.
import { dateOf } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { consolePage, type ConsoleFrame } from './console-frame.js';
import { selectField } from './console-fields.js';
import { field } from './fields.js';

/** The actions the log holds, by kind (what comes before the dot): the kind selector offers both. */
export const AUDIT_KINDS: Record<string, readonly string[]> = {
  commune: [
    'commune.created',
    'commune.updated',
    'commune.identity_changed',
    'commune.logo_changed',
    'commune.logo_removed',
    'commune.registration_token_issued',
  ],
  client: ['client.created', 'client.updated', 'client.disabled', 'client.enabled', 'client.secret_rotated', 'client.deleted'],
  scope_request: ['scope_request.approved', 'scope_request.refused'],
  operator: ['operator.grant', 'operator.revoke', 'operator.invite', 'operator.invitation_cancelled'],
  account: [
    'account.created',
    'account.locked',
    'account.unlocked',
    'account.counter_code_issued',
    'account.looked_up',
    'account.verification_mail_sent',
    'account.imported',
  ],
  keys: ['keys.rotated', 'keys.retired'],
};

export type AuditFilterField = 'commune' | 'actor' | 'action' | 'since' | 'until';

export interface ConsoleAuditEntry {
  at: Date;
  actor: string;
  actorLabel: string | null;
  action: string;
  commune: string | null;
  target: string | null;
  before: unknown;
  after: unknown;
}

export interface ConsoleAuditView {
  communes: { slug: string; name: string }[];
  /** The filters as typed, kept on the form (dates as YYYY-MM-DD). */
  filters: Record<AuditFilterField, string>;
  fieldErrors: Partial<Record<AuditFilterField, string>>;
  entries: ConsoleAuditEntry[];
  total: number;
  offset: number;
  limit: number;
  /** How far back the log reads without a start date (operatorsApi.audit.defaultDays). */
  defaultDays: number;
  /** The query of the filters alone, for the CSV and the other pages' links. */
  filterQuery: string;
}

function dateInput(name: AuditFilterField, label: string, hint: string, value: string, error: string | undefined): SafeHtml {
  const id = `field-${name}`;
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${id}">${label}</label>
<p class="hint" id="${id}-hint">${hint}</p>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
<input id="${id}" name="${name}" type="date" value="${value}" aria-describedby="${describedBy}"${error ? html` aria-invalid="true"` : ''}>`;
}

const json = (value: unknown) => (value === null || value === undefined ? '—' : JSON.stringify(value));

function entryRow(page: PageContext, e: ConsoleAuditEntry, filterQuery: (change: Record<string, string>) => string): SafeHtml {
  const { t } = page;
  const hasDetails = (e.before ?? null) !== null || (e.after ?? null) !== null;
  return html`<tr><td>${dateOf(page, e.at, 'short')}</td>
<td><a href="/admin/audit?${filterQuery({ actor: e.actor })}" aria-label="${t('console.audit.by_actor', { who: e.actorLabel ?? e.actor })}">${e.actorLabel ?? e.actor}</a></td>
<td><code>${e.action}</code></td><td>${e.commune ?? '—'}</td><td>${e.target ? html`<code>${e.target}</code>` : '—'}</td>
<td>${
    hasDetails
      ? html`<details><summary>${t('console.audit.details')}</summary><dl><dt>${t('console.audit.before')}</dt><dd><code>${json(e.before)}</code></dd><dt>${t('console.audit.after')}</dt><dd><code>${json(e.after)}</code></dd></dl></details>`
      : '—'
  }</td></tr>`;
}

export function consoleAuditPage(page: PageContext, frame: ConsoleFrame, view: ConsoleAuditView): SafeHtml {
  const { t } = page;
  const { filters, fieldErrors: errors } = view;
  const withQuery = (change: Record<string, string>) => {
    const query = new URLSearchParams(view.filterQuery);
    for (const [key, value] of Object.entries(change)) query.set(key, value);
    return query.toString();
  };
  const known = Object.values(AUDIT_KINDS).flat();
  const kindChoices = [
    { value: '', label: t('console.audit.every_action') },
    ...Object.entries(AUDIT_KINDS).flatMap(([kind, actions]) => [
      { value: kind, label: t('console.audit.kind_all', { kind: t(`console.audit.kinds.${kind}`) }) },
      ...actions.map((action) => ({ value: action, label: `— ${action}` })),
    ]),
    // An action the list does not know yet (a link from another page) stays chosen.
    ...(filters.action && !known.includes(filters.action) && !(filters.action in AUDIT_KINDS)
      ? [{ value: filters.action, label: filters.action }]
      : []),
  ];
  const first = view.total === 0 ? 0 : view.offset + 1;
  const last = Math.min(view.offset + view.limit, view.total);
  const pages = Math.max(1, Math.ceil(view.total / view.limit));
  const current = Math.floor(view.offset / view.limit) + 1;
  const pageLink = (n: number) => `/admin/audit?${withQuery({ page: String(n) })}`;
  return consolePage(
    page,
    frame,
    t('console.audit.title'),
    html`<p>${t('console.audit.intro')}</p>
<form method="get" action="/admin/audit" aria-labelledby="audit-filters" novalidate>
<h2 id="audit-filters">${t('console.audit.filters')}</h2>
${selectField({
  name: 'commune',
  label: t('console.audit.commune'),
  choices: [{ value: '', label: t('console.audit.every_commune') }, ...view.communes.map((c) => ({ value: c.slug, label: c.name }))],
  value: filters.commune,
  error: errors.commune,
})}
${field({
  name: 'actor',
  type: 'text',
  label: t('console.audit.actor'),
  hint: t('console.audit.actor_hint'),
  autocomplete: 'off',
  value: filters.actor,
  error: errors.actor,
})}
${selectField({ name: 'action', label: t('console.audit.action'), choices: kindChoices, value: filters.action, error: errors.action })}
${dateInput('since', t('console.audit.since'), t('console.audit.since_hint', { days: view.defaultDays }), filters.since, errors.since)}
${dateInput('until', t('console.audit.until'), t('console.audit.until_hint'), filters.until, errors.until)}
<p><button type="submit">${t('console.audit.apply')}</button> <a href="/admin/audit">${t('console.audit.clear')}</a></p>
</form>
<section aria-labelledby="audit-entries"><h2 id="audit-entries">${t('console.audit.entries')}</h2>
<p>${view.total === 0 ? t('console.audit.none') : t('console.audit.count', { first, last, total: view.total })}</p>
${
  view.total > 0
    ? html`<p><a href="/admin/audit.csv?${view.filterQuery}" download>${t('console.audit.download', { total: view.total })}</a></p>
<div class="table-scroll"><table><caption>${t('console.audit.caption', { current, pages })}</caption>
<thead><tr><th scope="col">${t('console.audit_columns.at')}</th><th scope="col">${t('console.audit_columns.actor')}</th><th scope="col">${t('console.audit_columns.action')}</th><th scope="col">${t('console.audit_columns.commune')}</th><th scope="col">${t('console.audit.target')}</th><th scope="col">${t('console.audit.change')}</th></tr></thead>
<tbody>${view.entries.map((e) => entryRow(page, e, withQuery))}</tbody></table></div>`
    : ''
}
${
  pages > 1
    ? html`<nav aria-label="${t('console.audit.pages')}"><ul class="pager">
${current > 1 ? html`<li><a href="${pageLink(current - 1)}" rel="prev">${t('console.audit.previous')}</a></li>` : ''}
<li>${t('console.audit.page_of', { current, pages })}</li>
${current < pages ? html`<li><a href="${pageLink(current + 1)}" rel="next">${t('console.audit.next')}</a></li>` : ''}
</ul></nav>`
    : ''
}
</section>`,
  );
}
