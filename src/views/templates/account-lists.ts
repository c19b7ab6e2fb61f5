// The lists of the account space: connected services, sign-ins, security history, sharing journal.
import { dateOf } from '../dates.js';
import { deviceName, readableAddress } from '../device-names.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { csrfInput } from './fields.js';

const claimList = (page: PageContext, claims: string[]) => claims.map((c) => page.t(`account.claims.${c}`)).join(', ');

export interface ServiceView {
  clientId: string;
  clientName: string;
  communeName: string;
  scopes: string[];
  since: Date;
}

export function servicesList(page: PageContext, csrfToken: string, services: ServiceView[]): SafeHtml {
  const { t } = page;
  if (services.length === 0) return html`<p>${t('account.services.intro')}</p><p>${t('account.services.empty')}</p>`;
  return html`<p>${t('account.services.intro')}</p><ul class="cards">
${services.map(
  (s) => html`<li class="panel"><h2>${s.clientName}</h2>
<p>${s.communeName} · ${t('account.services.since', { date: dateOf(page, s.since) })}</p>
<p>${t('account.services.reads', { what: s.scopes.map((scope) => t(`consent.scope.${scope}`)).join(', ') })}</p>
<form method="post" action="/account/services/revoke">${csrfInput(csrfToken)}<input type="hidden" name="client_id" value="${s.clientId}">
<button type="submit" class="secondary" aria-label="${t('account.services.revoke')} — ${s.clientName}">${t('account.services.revoke')}</button></form></li>`,
)}
</ul>`;
}

export interface SessionView {
  uid: string;
  userAgent: string | undefined;
  ip: string | undefined;
  signedInAt: Date | undefined;
  lastSeenAt: Date | undefined;
  isCurrent: boolean;
}

export function sessionsList(page: PageContext, csrfToken: string, sessions: SessionView[]): SafeHtml {
  const { t } = page;
  if (sessions.length === 0) return html`<p>${t('account.sessions.empty')}</p>`;
  return html`<p>${t('account.sessions.intro')}</p><ul class="cards">
${sessions.map(
  (
    s,
  ) => html`<li class="panel"><h2>${deviceName(s.userAgent) ?? t('account.sessions.unknown_device')} ${s.isCurrent ? t('account.sessions.this_device') : ''}</h2>
${s.signedInAt ? html`<p>${t('account.sessions.signed_in', { date: dateOf(page, s.signedInAt) })}${s.ip ? html` · ${readableAddress(s.ip)}` : ''}</p>` : ''}
${s.lastSeenAt ? html`<p>${t('account.sessions.last_seen', { date: dateOf(page, s.lastSeenAt) })}</p>` : ''}
<form method="post" action="/account/sessions/end">${csrfInput(csrfToken)}<input type="hidden" name="session" value="${s.uid}">
<button type="submit" class="secondary" aria-label="${t('account.sessions.end')} — ${deviceName(s.userAgent) ?? t('account.sessions.unknown_device')}${s.signedInAt ? `, ${dateOf(page, s.signedInAt)}` : ''}">${t('account.sessions.end')}</button></form></li>`,
)}
</ul>
<form method="post" action="/account/sessions/end-all">${csrfInput(csrfToken)}<button type="submit">${t('account.sessions.end_all')}</button></form>`;
}

export interface EventView {
  kind: string;
  ip: string | undefined;
  /** What it was about (a passkey's name, the commune of a counter). */
  detail?: string | undefined;
  createdAt: Date;
}

export function historyList(page: PageContext, events: EventView[], keptDays: number): SafeHtml {
  const { t } = page;
  return html`<p>${t('account.history.intro', { days: keptDays })}</p>
${
  events.length === 0
    ? html`<p>${t('account.history.empty')}</p>`
    : html`<ul>
${events.map((e) => html`<li><time datetime="${e.createdAt.toISOString()}">${dateOf(page, e.createdAt)}</time> — ${t(`account.events.${e.kind}`)}${e.detail ? ` : ${e.detail}` : ''}${e.ip ? html` (${t('account.history.from', { ip: readableAddress(e.ip) ?? '' })})` : ''}</li>`)}
</ul>`
}`;
}

export interface JournalView {
  clientName: string;
  communeName: string;
  claims: string[];
  channel: 'id_token' | 'userinfo';
  createdAt: Date;
}

export function journalList(page: PageContext, entries: JournalView[], keptDays: number): SafeHtml {
  const { t } = page;
  return html`<p>${t('account.journal.intro', { days: keptDays })}</p>
${
  entries.length === 0
    ? html`<p>${t('account.journal.empty')}</p>`
    : html`<ul>
${entries.map((e) => html`<li><time datetime="${e.createdAt.toISOString()}">${dateOf(page, e.createdAt)}</time> — <strong>${e.clientName}</strong> (${e.communeName}), ${t(`account.journal.channel_${e.channel}`)} : ${claimList(page, e.claims)}</li>`)}
</ul>`
}`;
}
