// The route table of the operators' API: every route once, in the order of the document.
import { accountRoutes } from './accounts.js';
import { readRoutes } from './audit-and-reports.js';
import { clientRoutes } from './clients.js';
import { communeRoutes } from './communes.js';
import { counterCodeRoutes } from './counter-codes.js';
import { operatorRoutes } from './operators.js';
import type { ApiPolicy } from './context.js';
import type { AnyRoute } from './route.js';
import { scopeRequestRoutes } from './scope-requests.js';

/** The table under the deployment's policy (its page sizes and the audit's reach appear in the schemas and words). */
export const adminRoutes = (policy: ApiPolicy): readonly AnyRoute[] => [
  ...communeRoutes(policy),
  ...clientRoutes(policy),
  ...operatorRoutes(policy),
  ...accountRoutes(policy),
  ...counterCodeRoutes(),
  ...scopeRequestRoutes(policy),
  ...readRoutes(policy),
];
