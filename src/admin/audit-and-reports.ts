// /audit and /reports: read-only views, limited to the communes the operator manages.
import type Router from '@koa/router';
import { invalid } from '../errors.js';
import { communesOf } from '../operators/index.js';
import { paginate, principalOf, type AdminDeps } from './context.js';

export function readRoutes(router: Router, deps: AdminDeps): void {
  router.get('/audit', async (ctx) => {
    const since = typeof ctx.query.since === 'string' ? new Date(ctx.query.since) : new Date(Date.now() - 30 * 86_400_000);
    if (Number.isNaN(since.getTime())) throw invalid('invalid_request', 'since: an ISO 8601 date', { field: 'since' });
    const entries = await deps.operators.readAudit(since, principalOf(ctx), 10_000);
    ctx.body = paginate(ctx, entries.map((e) => ({
      id: e.id, at: e.at.toISOString(), actor: e.actor, actor_label: e.actorLabel ?? null, action: e.action,
      commune: e.communeSlug ?? null, target: e.target ?? null, before: e.before ?? null, after: e.after ?? null, origin: e.origin ?? null,
    })));
  });

  router.get('/reports/usage', async (ctx) => {
    const report = await deps.reports.usage(String(ctx.query.month ?? ''), communesOf(principalOf(ctx)));
    ctx.body = {
      month: report.month,
      communes: report.communes.map((c) => ({ commune: c.commune, name: c.name, logins: c.logins, citizens: c.citizens, new_accounts: c.newAccounts })),
      clients: report.clients.map((c) => ({ commune: c.commune, client_id: c.clientId, name: c.clientName, logins: c.logins, citizens: c.citizens })),
    };
  });

  router.get('/reports/contributions', async (ctx) => {
    const report = await deps.reports.contributions(Number(ctx.query.year), communesOf(principalOf(ctx)));
    ctx.body = {
      year: report.year, currency: report.currency, total: report.total,
      communes: report.communes.map((c) => ({
        commune: c.commune, name: c.name, population: c.population, bracket: c.bracket, offer: c.offer, pilot: c.isPilot,
        base_amount: c.baseAmount, discount_percent: c.discountPercent, amount: c.amount,
      })),
    };
  });
}
