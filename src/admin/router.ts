// /admin/api/v1: the operators' API. JSON in and out; every route but the OpenAPI document needs a
// bearer token issued by this provider for this API.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { accountRoutes } from './accounts.js';
import { readRoutes } from './audit-and-reports.js';
import { authenticate } from './authenticate.js';
import { clientRoutes } from './clients.js';
import { communeRoutes } from './communes.js';
import { invalid } from '../errors.js';
import type { AdminDeps } from './context.js';
import { openApiDocument } from './openapi.js';
import { operatorRoutes } from './operators.js';
import { scopeRequestRoutes } from './scope-requests.js';

export type { AdminDeps } from './context.js';
export const ADMIN_PREFIX = '/admin/api/v1';

export function createAdminRouters(deps: AdminDeps, audience: string, scope: string): { document: Router; api: Router } {
  const document = new Router({ prefix: ADMIN_PREFIX });
  const openapi = openApiDocument(deps.issuer, audience, scope);
  document.get('/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = openapi;
  });

  const api = new Router({ prefix: ADMIN_PREFIX });
  api.use(authenticate(deps, audience, scope));
  api.use(bodyParser({
    enableTypes: ['json'], jsonLimit: '64kb',
    // A body that is not JSON is the caller's mistake: a 400 error object, not a 500 (a body too large keeps its 413).
    onError: (error) => {
      if ((error as { status?: number }).status === 400) throw invalid('invalid_request', 'the body must be valid JSON');
      throw error;
    },
  }));
  communeRoutes(api, deps);
  clientRoutes(api, deps);
  operatorRoutes(api, deps);
  accountRoutes(api, deps);
  readRoutes(api, deps);
  scopeRequestRoutes(api, deps);
  return { document, api };
}

/** Every route of the API as "METHOD /path/{param}", the way the OpenAPI document names them. */
export function listAdminRoutes(api: Router): string[] {
  const routes = new Set<string>();
  for (const layer of api.stack) {
    for (const method of layer.methods) {
      if (method === 'HEAD') continue;
      routes.add(`${method} ${String(layer.path).slice(ADMIN_PREFIX.length).replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return [...routes].sort();
}
