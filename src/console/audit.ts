// /admin/audit: the audit log filtered by commune, actor, kind and period, by pages, and /admin/audit.csv
// the same entries as a download. Both read through the API's readAudit (its scope rule: an operator reads
// only its communes' entries, and naming another commune is refused), never the log itself. The form's
// dates are days in Paris; the API is given the instants they start at (the end day included).
import type Router from '@koa/router';
import type { Context } from 'koa';
import { AppError, invalid, STATUS_BY_KIND } from '../errors.js';
import { sendPage } from '../http/index.js';
import { consoleAuditPage, type AuditFilterField, type ConsoleAuditEntry } from '../views/index.js';
import { frameOf, operatorOf, pageOf, sectionsOf, type ConsoleDeps } from './context.js';
import { sendCsv, toCsv } from './csv.js';
import { faultOf, type ConsoleMiddleware } from './forms.js';

const FIELDS: readonly AuditFilterField[] = ['commune', 'actor', 'action', 'since', 'until'];
const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;

interface ApiEntry {
  at: string;
  actor: string;
  actor_label: string | null;
  action: string;
  commune: string | null;
  target: string | null;
  before: unknown;
  after: unknown;
  origin: string | null;
}
interface ApiPage {
  items: ApiEntry[];
  total: number;
}

type Filters = Record<AuditFilterField, string>;

function filtersOf(ctx: Context): Filters {
  const one = (name: string) => {
    const value = ctx.query[name];
    return (typeof value === 'string' ? value : '').trim().slice(0, 400);
  };
  return Object.fromEntries(FIELDS.map((name) => [name, one(name)])) as Filters;
}

const filterQuery = (filters: Filters) => new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== '')).toString();

/** Paris's offset from UTC at an instant, in milliseconds (summer time included). */
function parisOffset(at: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute')) - at;
}

/** The instant a day (YYYY-MM-DD) starts in Paris, `plusDays` later; undefined for anything but a real day. */
export function parisDayStart(day: string, plusDays = 0): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== day) return undefined;
  const midnight = utc + plusDays * DAY_MS;
  // Paris never changes its clocks at midnight: the offset at UTC midnight is the one at Paris's midnight.
  return new Date(midnight - parisOffset(midnight));
}

/** The API's query for the filters, or the fields whose value the console itself cannot read. */
function apiQueryOf(filters: Filters): { query: Record<string, string>; faults: Partial<Record<AuditFilterField, 'date_invalid'>> } {
  const query: Record<string, string> = {};
  const faults: Partial<Record<AuditFilterField, 'date_invalid'>> = {};
  for (const name of ['commune', 'actor', 'action'] as const) if (filters[name]) query[name] = filters[name];
  for (const [name, plusDays] of [
    ['since', 0],
    ['until', 1],
  ] as const) {
    if (!filters[name]) continue;
    const start = parisDayStart(filters[name], plusDays);
    if (start) query[name] = start.toISOString();
    else faults[name] = 'date_invalid';
  }
  return { query, faults };
}

function entryOf(e: ApiEntry): ConsoleAuditEntry {
  return { ...e, at: new Date(e.at), actorLabel: e.actor_label };
}

/** Audit pages are for those who manage communes (the section rule of context.ts); others get the API's 403. */
function requireAuditSection(ctx: Context): void {
  if (!sectionsOf(operatorOf(ctx).principal).includes('audit')) throw new AppError('forbidden', 'forbidden', 'no audit for this role');
}

async function communesOf(deps: ConsoleDeps, ctx: Context) {
  const max = String(deps.config.operatorsApi.pageSize.max);
  return ((await deps.invoke('listCommunes', ctx, { query: { limit: max } })).body as { items: { slug: string; name: string }[] }).items;
}

export async function showAudit(deps: ConsoleDeps, ctx: Context): Promise<void> {
  requireAuditSection(ctx);
  const page = pageOf(deps, ctx);
  const filters = filtersOf(ctx);
  const asked = Number(typeof ctx.query.page === 'string' ? ctx.query.page : '1');
  const pageNumber = Number.isInteger(asked) && asked >= 1 && asked <= 10_000 ? asked : 1;
  const { query, faults } = apiQueryOf(filters);
  const fieldErrors: Partial<Record<AuditFilterField, string>> = {};
  for (const [name, key] of Object.entries(faults)) fieldErrors[name as AuditFilterField] = page.t(`console.audit.${key}`);
  const errors: string[] = [];
  let status = Object.keys(faults).length ? 400 : 200;
  let result: ApiPage = { items: [], total: 0 };
  let offset = (pageNumber - 1) * PAGE_SIZE;
  if (status === 200) {
    try {
      const read = (from: number) =>
        deps
          .invoke('readAudit', ctx, { query: { ...query, limit: String(PAGE_SIZE), offset: String(from) } })
          .then((r) => r.body as ApiPage);
      result = await read(offset);
      // A page past the end (a link kept while the filters changed) shows the last one.
      if (result.items.length === 0 && result.total > 0) {
        offset = Math.floor((result.total - 1) / PAGE_SIZE) * PAGE_SIZE;
        result = await read(offset);
      }
    } catch (error) {
      const fault = faultOf(page, error);
      status = STATUS_BY_KIND[(error as AppError).kind];
      const field = FIELDS.find((name) => name === fault.field);
      // The API names its own field for the end of the period; the form says it in its words.
      if (field === 'until' && (error as AppError).code === 'invalid_request')
        fieldErrors.until = page.t('console.audit.until_before_since');
      else if (field) fieldErrors[field] = fault.message;
      else errors.push(fault.message);
    }
  }
  sendPage(
    ctx,
    consoleAuditPage(page, frameOf(deps, ctx, 'audit', { errors: [...errors, ...Object.values(fieldErrors)] }), {
      communes: await communesOf(deps, ctx),
      filters,
      fieldErrors,
      entries: result.items.map(entryOf),
      total: result.total,
      offset,
      limit: PAGE_SIZE,
      defaultDays: deps.config.operatorsApi.audit.defaultDays,
      filterQuery: filterQuery(filters),
    }).toString(),
    status,
  );
}

const CSV_HEADER = ['at', 'actor', 'actor_label', 'action', 'commune', 'target', 'before', 'after', 'origin'];
const jsonCell = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Every entry the filters select (the API's pages one after the other), as CSV; a bad filter is the API's 400. */
export async function downloadAudit(deps: ConsoleDeps, ctx: Context): Promise<void> {
  requireAuditSection(ctx);
  const { query, faults } = apiQueryOf(filtersOf(ctx));
  const fault = Object.keys(faults)[0];
  if (fault) throw invalid('invalid_request', `${fault}: a date as YYYY-MM-DD`, { field: fault });
  const limit = deps.config.operatorsApi.pageSize.max;
  const entries: ApiEntry[] = [];
  for (let offset = 0; ; offset += limit) {
    const { items, total } = (await deps.invoke('readAudit', ctx, { query: { ...query, limit: String(limit), offset: String(offset) } }))
      .body as ApiPage;
    entries.push(...items);
    if (items.length === 0 || offset + limit >= total) break;
  }
  const rows = entries.map((e) => [
    e.at,
    e.actor,
    e.actor_label,
    e.action,
    e.commune,
    e.target,
    jsonCell(e.before),
    jsonCell(e.after),
    e.origin,
  ]);
  sendCsv(ctx, `audit-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(CSV_HEADER, rows));
}

export function registerAuditPages(router: Router, deps: ConsoleDeps, middleware: ConsoleMiddleware): void {
  router.get('/audit', middleware.signedIn, (ctx) => showAudit(deps, ctx));
  router.get('/audit.csv', middleware.signedIn, (ctx) => downloadAudit(deps, ctx));
}
