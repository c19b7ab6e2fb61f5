// /audit and /reports: read-only views, limited to the communes the operator manages.
import { Type, type Static } from 'typebox';
import { AppError, invalid } from '../errors.js';
import { communesOf, type AuditRecord } from '../operators/index.js';
import type { ContributionsReport, UsageReport as UsageReportRecord } from '../reports/index.js';
import { paginate, type ApiPolicy } from './context.js';
import { ok, route } from './route.js';
import { AuditEntry, ContributionReport, Page, pagingQuery, UsageReport } from './schemas.js';

const DAY_MS = 86_400_000;

function usageJson(report: UsageReportRecord): Static<typeof UsageReport> {
  return {
    month: report.month,
    communes: report.communes.map((c) => ({
      commune: c.commune,
      name: c.name,
      logins: c.logins,
      citizens: c.citizens,
      new_accounts: c.newAccounts,
    })),
    clients: report.clients.map((c) => ({
      commune: c.commune,
      client_id: c.clientId,
      name: c.clientName,
      logins: c.logins,
      citizens: c.citizens,
    })),
  };
}

function contributionsJson(report: ContributionsReport): Static<typeof ContributionReport> {
  return {
    year: report.year,
    currency: report.currency,
    total: report.total,
    communes: report.communes.map((c) => ({
      commune: c.commune,
      name: c.name,
      population: c.population,
      bracket: c.bracket,
      offer: c.offer,
      pilot: c.isPilot,
      base_amount: c.baseAmount,
      discount_percent: c.discountPercent,
      amount: c.amount,
    })),
  };
}

function auditEntryJson(e: AuditRecord): Static<typeof AuditEntry> {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: e.actor,
    actor_label: e.actorLabel ?? null,
    action: e.action,
    commune: e.communeSlug ?? null,
    target: e.target ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    origin: e.origin ?? null,
  };
}

export const readRoutes = ({ pageSize, audit }: ApiPolicy) => [
  route({
    method: 'GET',
    path: '/audit',
    operationId: 'readAudit',
    tag: 'audit',
    permission: 'any-operator',
    summary: 'Read the audit log',
    description: `The changes since ?since= (the last ${audit.defaultDays} days by default, ${audit.maxEntries} entries at most) that touch the communes the operator manages, oldest first, by pages. ?until=, ?commune=, ?actor= and ?action= narrow them; a commune the operator does not manage is refused.`,
    query: Type.Object({
      since: Type.Optional(Type.String({ format: 'date-time', description: 'The oldest moment to read from' })),
      until: Type.Optional(
        Type.String({
          format: 'date-time',
          description: `The moment to read up to, excluded (now by default; without ?since=, the period starts ${audit.defaultDays} days before it)`,
        }),
      ),
      commune: Type.Optional(
        Type.String({
          pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
          maxLength: 63,
          description: 'Only the changes touching this commune, one the operator manages',
        }),
      ),
      actor: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 320,
          description: 'Only the changes made by this actor: its id (account:<sub>, client:<client_id>, cli:<user>) or its label, exactly',
        }),
      ),
      action: Type.Optional(
        Type.String({
          pattern: '^[a-z][a-z_]*(\\.[a-z_]+)*$',
          maxLength: 100,
          description: 'Only this action (client.created) or this kind of action (client: every client.…)',
        }),
      ),
      ...pagingQuery(pageSize),
    }),
    answers: { 200: { description: 'Audit entries of the communes the operator manages', schema: Page(AuditEntry) } },
    async handle({ query, principal, deps }) {
      const until = query.until ? new Date(query.until) : undefined;
      const since = query.since ? new Date(query.since) : new Date((until ?? new Date()).getTime() - audit.defaultDays * DAY_MS);
      if (until && until <= since) throw invalid('invalid_request', 'until: must come after since', { field: 'until' });
      const communes = communesOf(principal);
      // The filter narrows what the reader may read; it never widens it: another commune is refused, not emptied.
      if (query.commune && communes !== 'all' && !communes.includes(query.commune)) {
        throw new AppError('forbidden', 'forbidden', `you do not manage the commune "${query.commune}"`, { field: 'commune' });
      }
      const filter = { until, commune: query.commune, actor: query.actor, action: query.action };
      const entries = await deps.operators.readAudit(since, principal, audit.maxEntries, filter);
      return ok(paginate(entries.map(auditEntryJson), query));
    },
  }),

  route({
    method: 'GET',
    path: '/reports/usage',
    operationId: 'usageReport',
    tag: 'reports',
    permission: 'any-operator',
    summary: 'Monthly usage',
    description:
      'Sign-ins, distinct citizens and new accounts of a month, per commune and per client, for the communes the operator manages.',
    query: Type.Object({ month: Type.String({ description: 'YYYY-MM, for example 2026-03' }) }),
    answers: { 200: { description: 'Sign-ins, distinct citizens and new accounts of the month', schema: UsageReport } },
    async handle({ query, principal, deps }) {
      return ok(usageJson(await deps.reports.usage(query.month, communesOf(principal))));
    },
  }),

  route({
    method: 'GET',
    path: '/reports/contributions',
    operationId: 'contributionsReport',
    tag: 'reports',
    permission: 'any-operator',
    summary: 'Yearly contributions',
    description:
      "What each commune the operator manages contributes for a year, after the convention's grid (bracket, offer, pilot discount).",
    query: Type.Object({ year: Type.Integer({ description: 'Four digits, for example 2026' }) }),
    answers: { 200: { description: "Yearly contributions after the convention's grid", schema: ContributionReport } },
    async handle({ query, principal, deps }) {
      return ok(contributionsJson(await deps.reports.contributions(query.year, communesOf(principal))));
    },
  }),
];
