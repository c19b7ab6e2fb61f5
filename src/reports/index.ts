// Reports (domain): the sign-ins counted for each commune's sites, the monthly usage built on them (what
// shared services are billed on) and the yearly contributions from the convention's grid.
export { createReports, monthRange, type ContributionsReport, type Reports, type UsageReport } from './reports.js';
export type { Contribution } from './contributions.js';
export { insertSignIn, type ClientUsage, type CommuneUsage } from './usage-repository.js';
