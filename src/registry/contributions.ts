// The yearly contribution of each commune, from the convention's grid in config/contributions.json
// (population bracket × offer, with the discounts of the year). Pure: the grid and the communes are given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Commune, Offer } from './commune-repository.js';

export interface Bracket {
  upToInhabitants: number | null;
  label: string;
  global: number;
  restricted: number;
}

export interface Discount {
  year: number;
  pilotOnly: boolean;
  percent: number;
  reason: string;
}

export interface ContributionGrid {
  currency: string;
  brackets: Bracket[];
  discounts: Discount[];
}

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

export function loadContributionGrid(projectRoot: string): ContributionGrid {
  const grid = JSON.parse(readFileSync(join(projectRoot, 'config', 'contributions.json'), 'utf8')) as ContributionGrid;
  const edges = grid.brackets.map((b) => b.upToInhabitants ?? Infinity);
  if (edges.some((edge, i) => i > 0 && edge <= edges[i - 1]!) || edges.at(-1) !== Infinity) {
    throw new Error('config/contributions.json: brackets must be in increasing order and end with an open one');
  }
  return grid;
}

/** The bracket of a population; a population exactly on an edge belongs to the lower bracket. */
export function bracketOf(grid: ContributionGrid, population: number): Bracket {
  return grid.brackets.find((b) => b.upToInhabitants === null || population <= b.upToInhabitants)!;
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
