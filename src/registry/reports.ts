// Reports on the registry: monthly usage (what shared services are billed on) and yearly contributions.
import type { Queryable } from '../db/index.js';
import { invalid } from '../errors.js';
import { listCommunes } from './commune-repository.js';
import type { ContributionGrid } from '../config.js';
import { contributionOf, type Contribution } from './contributions.js';
import { clientUsage, communeUsage, type ClientUsage, type CommuneUsage } from './usage-repository.js';

export type { Contribution } from './contributions.js';
export type { ClientUsage, CommuneUsage } from './usage-repository.js';

export interface UsageReport {
  month: string;
  communes: CommuneUsage[];
  clients: ClientUsage[];
}

/** "2026-03" → from 2026-03-01 included to 2026-04-01 excluded, counted in UTC. */
export function monthRange(month: string): { start: Date; end: Date } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw invalid('month_invalid', 'month: YYYY-MM, for example 2026-03', { field: 'month' });
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { start: new Date(Date.UTC(year, index, 1)), end: new Date(Date.UTC(year, index + 1, 1)) };
}

export function createReports(db: Queryable, grid: ContributionGrid) {
  return {
    async usage(month: string, communes: string[] | 'all' = 'all'): Promise<UsageReport> {
      const { start, end } = monthRange(month);
      const only = communes === 'all' ? null : communes;
      return { month, communes: await communeUsage(db, start, end, only), clients: await clientUsage(db, start, end, only) };
    },
    async contributions(year: number, communes: string[] | 'all' = 'all'): Promise<{ year: number; currency: string; communes: Contribution[]; total: number }> {
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalid('year_invalid', 'year: four digits, for example 2026', { field: 'year' });
      const rows = (await listCommunes(db))
        .filter((c) => communes === 'all' || communes.includes(c.slug))
        .map((commune) => contributionOf(grid, commune, year));
      const total = Math.round(rows.reduce((sum, row) => sum + (row.amount ?? 0), 0) * 100) / 100;
      return { year, currency: grid.currency, communes: rows, total };
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
