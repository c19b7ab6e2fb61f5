// The yearly contribution of each commune, from the convention's grid (config/contributions.json, checked
// at start by the configuration's schema): population bracket × offer, with the discounts of the year.
// Pure: the grid and the communes are given.
import type { Bracket, ContributionGrid } from '../config.js';
import { present } from '../errors.js';
import type { Commune, Offer } from '../registry/index.js';

export interface Contribution {
  commune: string;
  name: string;
  population: number | null;
  bracket: string | null;
  offer: Offer;
  isPilot: boolean;
  baseAmount: number | null;
  discountPercent: number;
  amount: number | null;
  currency: string;
}

/** The bracket of a population; a population exactly on an edge belongs to the lower bracket. */
export function bracketOf(grid: ContributionGrid, population: number): Bracket {
  // The configuration's schema makes the last bracket open-ended: some bracket always holds the population.
  return present(
    grid.brackets.find((b) => b.upToInhabitants === null || population <= b.upToInhabitants),
    `the bracket of ${population} inhabitants`,
  );
}

export function contributionOf(grid: ContributionGrid, commune: Commune, year: number): Contribution {
  const discountPercent = grid.discounts
    .filter((d) => d.year === year && (!d.pilotOnly || commune.isPilot))
    .reduce((total, d) => Math.min(100, total + d.percent), 0);
  const bracket = commune.population === undefined ? undefined : bracketOf(grid, commune.population);
  const baseAmount = bracket ? bracket[commune.offer] : null;
  return {
    commune: commune.slug,
    name: commune.name,
    population: commune.population ?? null,
    bracket: bracket?.label ?? null,
    offer: commune.offer,
    isPilot: commune.isPilot,
    baseAmount,
    discountPercent,
    // Amounts in whole euros; a half of an odd amount keeps its cents.
    amount: baseAmount === null ? null : Math.round(baseAmount * (100 - discountPercent)) / 100,
    currency: grid.currency,
  };
}
