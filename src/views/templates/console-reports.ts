// The console's reports: a commune's usage over twelve months (a bar chart per figure, drawn on the server,
// and one table of the same figures for screen readers and for copying), and a year's contributions after
// the convention's grid with their total and a CSV download.
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { barChart } from './bar-chart.js';
import { consolePage, type ConsoleFrame } from './console-frame.js';
import { selectField } from './console-fields.js';

export interface UsageMonth {
  /** YYYY-MM */
  month: string;
  logins: number;
  citizens: number;
  newAccounts: number;
}

export interface ConsoleUsageView {
  communes: { slug: string; name: string }[];
  /** The commune chosen and the last month shown, as typed (kept on the form). */
  commune: string;
  month: string;
  fieldErrors: Partial<Record<'commune' | 'month', string>>;
  /** Oldest first; empty when the form was refused. */
  months: UsageMonth[];
}

export type UsageFigure = 'logins' | 'citizens' | 'newAccounts';
export const USAGE_FIGURES: readonly UsageFigure[] = ['logins', 'citizens', 'newAccounts'];

const monthDate = (month: string) => new Date(`${month}-01T00:00:00Z`);
const monthFormat = (page: PageContext, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(page.locale === 'fr' ? 'fr-FR' : 'en-GB', { ...options, timeZone: 'UTC' });

/** "mars 2026" in the table, "mars 26" under a bar. */
export const monthName = (page: PageContext, month: string) =>
  monthFormat(page, { month: 'long', year: 'numeric' }).format(monthDate(month));
const monthShort = (page: PageContext, month: string) => monthFormat(page, { month: 'short', year: '2-digit' }).format(monthDate(month));

function monthInput(page: PageContext, value: string, error: string | undefined): SafeHtml {
  const id = 'field-month';
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${id}">${page.t('console.usage.month')}</label>
<p class="hint" id="${id}-hint">${page.t('console.usage.month_hint')}</p>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
<input id="${id}" name="month" type="month" value="${value}" aria-describedby="${describedBy}"${error ? html` aria-invalid="true"` : ''}>`;
}

export function consoleUsagePage(page: PageContext, frame: ConsoleFrame, view: ConsoleUsageView): SafeHtml {
  const { t } = page;
  const communeName = view.communes.find((c) => c.slug === view.commune)?.name ?? view.commune;
  const first = view.months[0];
  const last = view.months[view.months.length - 1];
  const period = first && last ? t('console.usage.period', { from: monthName(page, first.month), to: monthName(page, last.month) }) : '';
  const charts = USAGE_FIGURES.map((figure) =>
    barChart({
      id: `chart-${figure}`,
      title: t('console.usage.chart_title', { figure: t(`console.usage.figures.${figure}`), commune: communeName, period }),
      description: t('console.usage.chart_description', {
        figures: view.months.map((m) => t('console.usage.chart_item', { month: monthName(page, m.month), value: m[figure] })).join(', '),
      }),
      bars: view.months.map((m) => ({ label: monthShort(page, m.month), value: m[figure] })),
    }),
  );
  return consolePage(
    page,
    frame,
    t('console.usage.title'),
    html`<p>${t('console.usage.intro')}</p>
${
  view.communes.length === 0
    ? html`<p>${t('console.usage.no_communes')}</p>`
    : html`<form method="get" action="/admin/usage" aria-labelledby="usage-choice" novalidate>
<h2 id="usage-choice">${t('console.usage.choose')}</h2>
${selectField({
  name: 'commune',
  label: t('console.usage.commune'),
  choices: view.communes.map((c) => ({ value: c.slug, label: c.name })),
  value: view.commune,
  error: view.fieldErrors.commune,
})}
${monthInput(page, view.month, view.fieldErrors.month)}
<p><button type="submit">${t('console.usage.show')}</button></p>
</form>
${
  view.months.length
    ? html`<section aria-labelledby="usage-figures"><h2 id="usage-figures">${t('console.usage.figures_of', { commune: communeName, period })}</h2>
<div class="usage-charts">${USAGE_FIGURES.map(
        (figure, i) => html`<figure><figcaption>${t(`console.usage.figures.${figure}`)}</figcaption>${charts[i]}</figure>`,
      )}</div>
<div class="table-scroll"><table id="usage-table"><caption>${t('console.usage.table_caption', { commune: communeName, period })}</caption>
<thead><tr><th scope="col">${t('console.usage.month_column')}</th>${USAGE_FIGURES.map(
        (figure) => html`<th scope="col" class="number">${t(`console.usage.figures.${figure}`)}</th>`,
      )}</tr></thead>
<tbody>${view.months.map(
        (m) =>
          html`<tr data-month="${m.month}"><th scope="row">${monthName(page, m.month)}</th>${USAGE_FIGURES.map(
            (figure) => html`<td class="number" data-figure="${figure}">${m[figure]}</td>`,
          )}</tr>`,
      )}</tbody></table></div>
<p class="hint">${t('console.usage.counting')}</p>
</section>`
    : ''
}`
}`,
  );
}

export interface ContributionRow {
  commune: string;
  name: string;
  population: number | null;
  bracket: string | null;
  offer: string;
  pilot: boolean;
  baseAmount: number | null;
  discountPercent: number;
  amount: number | null;
}

export interface ConsoleContributionsView {
  /** The year as typed (kept on the form). */
  year: string;
  fieldErrors: Partial<Record<'year', string>>;
  report?: { year: number; currency: string; total: number; communes: ContributionRow[] } | undefined;
}

export function consoleContributionsPage(page: PageContext, frame: ConsoleFrame, view: ConsoleContributionsView): SafeHtml {
  const { t } = page;
  const error = view.fieldErrors.year;
  const report = view.report;
  const money = (amount: number | null) =>
    amount === null
      ? '—'
      : new Intl.NumberFormat(page.locale === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: report?.currency ?? 'EUR' }).format(
          amount,
        );
  const count = (n: number | null) => (n === null ? '—' : new Intl.NumberFormat(page.locale === 'fr' ? 'fr-FR' : 'en-GB').format(n));
  const describedBy = ['field-year-hint', error ? 'field-year-error' : ''].filter(Boolean).join(' ');
  return consolePage(
    page,
    frame,
    t('console.contributions.title'),
    html`<p>${t('console.contributions.intro')}</p>
<form method="get" action="/admin/contributions" aria-labelledby="contributions-choice" novalidate>
<h2 id="contributions-choice">${t('console.contributions.choose')}</h2>
<label for="field-year">${t('console.contributions.year')}</label>
<p class="hint" id="field-year-hint">${t('console.contributions.year_hint')}</p>
${error ? html`<p class="field-error" id="field-year-error">${error}</p>` : ''}
<input id="field-year" name="year" type="text" inputmode="numeric" autocomplete="off" value="${view.year}" aria-describedby="${describedBy}"${
      error ? html` aria-invalid="true"` : ''
    }>
<p><button type="submit">${t('console.contributions.show')}</button></p>
</form>
${
  report
    ? html`<section aria-labelledby="contributions-table"><h2 id="contributions-table">${t('console.contributions.of_year', { year: report.year })}</h2>
<p><a href="/admin/contributions.csv?year=${report.year}" download>${t('console.contributions.download', { year: report.year })}</a></p>
<div class="table-scroll"><table><caption>${t('console.contributions.caption', { year: report.year })}</caption>
<thead><tr>${(['commune', 'population', 'bracket', 'offer', 'pilot', 'base_amount', 'discount', 'amount'] as const).map(
        (column) =>
          html`<th scope="col"${['population', 'base_amount', 'discount', 'amount'].includes(column) ? html` class="number"` : ''}>${t(`console.contributions.columns.${column}`)}</th>`,
      )}</tr></thead>
<tbody>${report.communes.map(
        (
          c,
        ) => html`<tr data-commune="${c.commune}"><th scope="row">${c.name}</th><td class="number">${count(c.population)}</td><td>${c.bracket ?? '—'}</td>
<td>${t(`console.contributions.offers.${c.offer}`)}</td><td>${c.pilot ? t('console.contributions.yes') : t('console.contributions.no')}</td>
<td class="number">${money(c.baseAmount)}</td><td class="number">${c.discountPercent} %</td><td class="number">${money(c.amount)}</td></tr>`,
      )}</tbody>
<tfoot><tr><th scope="row" colspan="7">${t('console.contributions.total')}</th><td class="number" data-total="${report.total}">${money(report.total)}</td></tr></tfoot>
</table></div>
<p class="hint">${t('console.contributions.unpriced')}</p>
</section>`
    : ''
}`,
  );
}
