// /admin/usage: one commune's usage over the twelve months ending with the month chosen, read month by month
// through the API's usageReport (which counts only the communes the operator manages: a commune outside
// them is refused here, as the API would never answer its figures); /admin/contributions and its CSV: the
// year's contributionsReport. The console computes nothing of its own: it lays out the API's figures.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { AppError, STATUS_BY_KIND } from '../errors.js';
import { sendPage } from '../http/index.js';
import { consoleContributionsPage, consoleUsagePage, type ContributionRow, type UsageMonth } from '../views/index.js';
import { frameOf, operatorOf, pageOf, sectionsOf, type ConsoleDeps } from './context.js';
import { sendCsv, toCsv } from './csv.js';
import { faultOf, type ConsoleMiddleware } from './forms.js';

const MONTHS_SHOWN = 12;

interface ApiUsage {
  month: string;
  communes: { commune: string; name: string; logins: number; citizens: number; new_accounts: number }[];
}
interface ApiContributions {
  year: number;
  currency: string;
  total: number;
  communes: {
    commune: string;
    name: string;
    population: number | null;
    bracket: string | null;
    offer: string;
    pilot: boolean;
    base_amount: number | null;
    discount_percent: number;
    amount: number | null;
  }[];
}

const queryText = (ctx: Context, name: string) => {
  const value = ctx.query[name];
  return (typeof value === 'string' ? value : '').trim().slice(0, 100);
};

function requireSection(ctx: Context, section: 'usage' | 'contributions'): void {
  if (!sectionsOf(operatorOf(ctx).principal).includes(section)) throw new AppError('forbidden', 'forbidden', `no ${section} for this role`);
}

/** The twelve months ending with `last` (YYYY-MM, already accepted by the API), oldest first. */
export function monthsEndingWith(last: string, count = MONTHS_SHOWN): string[] {
  const [year, month] = last.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(year, month - 1 - (count - 1 - i), 1)).toISOString().slice(0, 7));
}

/** The API's refusal of a form's value, as the page shows it: on its field, with the API's status. */
function refusalOf<F extends string>(deps: ConsoleDeps, ctx: Context, error: unknown, fields: readonly F[], fallback: F) {
  const fault = faultOf(pageOf(deps, ctx), error);
  const field = fields.find((name) => name === fault.field) ?? fallback;
  return { field, message: fault.message, status: STATUS_BY_KIND[(error as AppError).kind] };
}

export async function showUsage(deps: ConsoleDeps, ctx: Context): Promise<void> {
  requireSection(ctx, 'usage');
  const page = pageOf(deps, ctx);
  const max = String(deps.config.operatorsApi.pageSize.max);
  const communes = ((await deps.invoke('listCommunes', ctx, { query: { limit: max } })).body as { items: { slug: string; name: string }[] })
    .items;
  const commune = queryText(ctx, 'commune') || communes[0]?.slug || '';
  const month = queryText(ctx, 'month') || new Date().toISOString().slice(0, 7);
  const fieldErrors: Partial<Record<'commune' | 'month', string>> = {};
  let status = 200;
  let months: UsageMonth[] = [];
  if (communes.length > 0) {
    try {
      // The API judges the month first (month_invalid on its field); only then are the eleven before it asked.
      const reports = [(await deps.invoke('usageReport', ctx, { query: { month } })).body as ApiUsage];
      for (const earlier of monthsEndingWith(month).slice(0, -1).reverse()) {
        reports.unshift((await deps.invoke('usageReport', ctx, { query: { month: earlier } })).body as ApiUsage);
      }
      const rows = reports.map((report) => ({ month: report.month, row: report.communes.find((c) => c.commune === commune) }));
      const found = rows.flatMap(({ month: m, row }) =>
        row ? [{ month: m, logins: row.logins, citizens: row.citizens, newAccounts: row.new_accounts }] : [],
      );
      if (found.length < rows.length) {
        // Not one of the operator's communes: the API never gives its figures, the page says so.
        fieldErrors.commune = page.t('console.usage.commune_unknown');
        status = 403;
      } else {
        months = found;
      }
    } catch (error) {
      const refusal = refusalOf(deps, ctx, error, ['commune', 'month'] as const, 'month');
      fieldErrors[refusal.field] = refusal.message;
      status = refusal.status;
    }
  }
  sendPage(
    ctx,
    consoleUsagePage(page, frameOf(deps, ctx, 'usage', { errors: Object.values(fieldErrors) }), {
      communes,
      commune,
      month,
      fieldErrors,
      months,
    }).toString(),
    status,
  );
}

const rowOf = (c: ApiContributions['communes'][number]): ContributionRow => ({
  commune: c.commune,
  name: c.name,
  population: c.population,
  bracket: c.bracket,
  offer: c.offer,
  pilot: c.pilot,
  baseAmount: c.base_amount,
  discountPercent: c.discount_percent,
  amount: c.amount,
});

const contributionsOf = async (deps: ConsoleDeps, ctx: Context, year: string) =>
  (await deps.invoke('contributionsReport', ctx, { query: { year } })).body as ApiContributions;

export async function showContributions(deps: ConsoleDeps, ctx: Context): Promise<void> {
  requireSection(ctx, 'contributions');
  const page = pageOf(deps, ctx);
  const year = queryText(ctx, 'year') || String(new Date().getUTCFullYear());
  try {
    const report = await contributionsOf(deps, ctx, year);
    const view = { year, fieldErrors: {}, report: { ...report, communes: report.communes.map(rowOf) } };
    sendPage(ctx, consoleContributionsPage(page, frameOf(deps, ctx, 'contributions'), view).toString());
  } catch (error) {
    const refusal = refusalOf(deps, ctx, error, ['year'] as const, 'year');
    const frame = frameOf(deps, ctx, 'contributions', { errors: [refusal.message] });
    sendPage(ctx, consoleContributionsPage(page, frame, { year, fieldErrors: { year: refusal.message } }).toString(), refusal.status);
  }
}

const CONTRIBUTIONS_HEADER = [
  'year',
  'commune',
  'name',
  'population',
  'bracket',
  'offer',
  'pilot',
  'base_amount',
  'discount_percent',
  'amount',
  'currency',
];

/** The year's contributions as glc report contributions --csv writes them (the same columns). */
export async function downloadContributions(deps: ConsoleDeps, ctx: Context): Promise<void> {
  requireSection(ctx, 'contributions');
  const report = await contributionsOf(deps, ctx, queryText(ctx, 'year'));
  const rows = report.communes.map((c) => [
    report.year,
    c.commune,
    c.name,
    c.population,
    c.bracket,
    c.offer,
    c.pilot,
    c.base_amount,
    c.discount_percent,
    c.amount,
    report.currency,
  ]);
  sendCsv(ctx, `contributions-${report.year}.csv`, toCsv(CONTRIBUTIONS_HEADER, rows));
}

export function registerReportsPages(router: Router, deps: ConsoleDeps, middleware: ConsoleMiddleware): void {
  router.get('/usage', middleware.signedIn, (ctx) => showUsage(deps, ctx));
  router.get('/contributions', middleware.signedIn, (ctx) => showContributions(deps, ctx));
  router.get('/contributions.csv', middleware.signedIn, (ctx) => downloadContributions(deps, ctx));
}
