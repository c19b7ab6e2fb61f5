import { createReports } from '../../reports/index.js';
import { defineCommand } from '../command.js';
import { required } from '../options.js';
import { UsageError } from '../usage.js';

/** RFC 4180 CSV: quoted when needed, CRLF between records. */
export function toCsv(header: string[], rows: (string | number | boolean | null)[][]): string {
  const cell = (value: string | number | boolean | null) => {
    const text = value === null ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export const reportUsage = defineCommand({
  name: 'report usage',
  summary: "a month's sign-ins, citizens and new accounts per commune and per site",
  options: { month: required('YYYY-MM', 'the month, for example 2026-10') },
  hasCsv: true,
  async run(context, values) {
    const report = await createReports(context.db.pool, context.config.contributionGrid).usage(values.month);
    const json = {
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
    const csv = toCsv(
      ['month', 'commune', 'client_id', 'name', 'logins', 'citizens', 'new_accounts'],
      [
        ...report.communes.map((c) => [report.month, c.commune, null, c.name, c.logins, c.citizens, c.newAccounts]),
        ...report.clients.map((c) => [report.month, c.commune, c.clientId, c.clientName, c.logins, c.citizens, null]),
      ],
    );
    const text =
      report.communes.map((c) => `${c.commune}: ${c.logins} sign-ins, ${c.citizens} citizens, ${c.newAccounts} new accounts`).join('\n') ||
      'no commune';
    return { json, text, csv };
  },
});

export const reportContributions = defineCommand({
  name: 'report contributions',
  summary: "each commune's contribution for a year, from its population bracket, offer and pilot discount",
  options: { year: required('YYYY', 'the year, for example 2026') },
  hasCsv: true,
  async run(context, values) {
    if (!/^\d{4}$/.test(values.year)) throw new UsageError('--year: four digits, for example 2026');
    const report = await createReports(context.db.pool, context.config.contributionGrid).contributions(Number(values.year));
    const json = {
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
    const csv = toCsv(
      ['year', 'commune', 'name', 'population', 'bracket', 'offer', 'pilot', 'base_amount', 'discount_percent', 'amount', 'currency'],
      report.communes.map((c) => [
        report.year,
        c.commune,
        c.name,
        c.population,
        c.bracket,
        c.offer,
        c.isPilot,
        c.baseAmount,
        c.discountPercent,
        c.amount,
        c.currency,
      ]),
    );
    const text = [
      ...report.communes.map((c) => `${c.commune}: ${c.amount === null ? 'population unknown' : `${c.amount} ${c.currency}`}`),
      `total: ${report.total} ${report.currency}`,
    ].join('\n');
    return { json, text, csv };
  },
});
