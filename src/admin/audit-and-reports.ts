// /audit and /reports: read-only views, limited to the communes the operator manages.
import { Type, type Static } from 'typebox';
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
    description: `The changes since ?since= (the last ${audit.defaultDays} days by default, ${audit.maxEntries} entries at most) that touch the communes the operator manages, oldest first, by pages.`,
    query: Type.Object({
      since: Type.Optional(Type.String({ format: 'date-time', description: 'The oldest moment to read from' })),
      ...pagingQuery(pageSize),
    }),
    answers: { 200: { description: 'Audit entries of the communes the operator manages', schema: Page(AuditEntry) } },
    async handle({ query, principal, deps }) {
      const since = query.since ? new Date(query.since) : new Date(Date.now() - audit.defaultDays * DAY_MS);
      const entries = await deps.operators.readAudit(since, principal, audit.maxEntries);
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
