// The route table of the operators' API: every route once, in the order of the document.
import { accountRoutes } from './accounts.js';
import { readRoutes } from './audit-and-reports.js';
import { clientRoutes } from './clients.js';
import { communeRoutes } from './communes.js';
import { operatorRoutes } from './operators.js';
import type { AnyRoute } from './route.js';
import { scopeRequestRoutes } from './scope-requests.js';

export const ADMIN_ROUTES: readonly AnyRoute[] = [
  ...communeRoutes, ...clientRoutes, ...operatorRoutes, ...accountRoutes, ...scopeRequestRoutes, ...readRoutes,
];
