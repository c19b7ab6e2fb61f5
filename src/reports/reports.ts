// Reports on the registry: monthly usage (what shared services are billed on) and yearly contributions.
import type { Queryable } from '../db/index.js';
import { invalid } from '../errors.js';
import { listCommunes } from '../registry/index.js';
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

export interface ContributionsReport {
  year: number;
  currency: string;
  communes: Contribution[];
  total: number;
}

/** The reports, for all communes or only those given (an operator sees the communes they administer). */
export interface Reports {
  /** Sign-ins, distinct citizens and new accounts of a month ("2026-03"), per commune and per site. */
  usage(month: string, communes?: string[] | 'all'): Promise<UsageReport>;
  /** Each commune's contribution for a year, from the convention's grid. */
  contributions(year: number, communes?: string[] | 'all'): Promise<ContributionsReport>;
}

export function createReports(db: Queryable, grid: ContributionGrid): Reports {
  return {
    async usage(month, communes = 'all') {
      const { start, end } = monthRange(month);
      const only = communes === 'all' ? null : communes;
      return { month, communes: await communeUsage(db, start, end, only), clients: await clientUsage(db, start, end, only) };
    },
    async contributions(year, communes = 'all') {
      if (!Number.isInteger(year) || year < 2000 || year > 2100)
        throw invalid('year_invalid', 'year: four digits, for example 2026', { field: 'year' });
      const rows = (await listCommunes(db))
        .filter((c) => communes === 'all' || communes.includes(c.slug))
        .map((commune) => contributionOf(grid, commune, year));
      const total = Math.round(rows.reduce((sum, row) => sum + (row.amount ?? 0), 0) * 100) / 100;
      return { year, currency: grid.currency, communes: rows, total };
    },
  };
}
