// /admin/api/v1: the operators' API, mounted from its route table (routes.ts). JSON in and out; every route
// but the OpenAPI document needs a bearer token issued by this provider for this API.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { TObject } from 'typebox';
import { authenticate } from './authenticate.js';
import { principalOf, type AdminDeps } from './context.js';
import { invalid } from '../errors.js';
import { openApiDocument } from './openapi.js';
import { authorize } from './permission.js';
import { partReader } from './request-validation.js';
import type { AnyRoute } from './route.js';
import { adminRoutes } from './routes.js';

export type { AdminDeps } from './context.js';
export const ADMIN_PREFIX = '/admin/api/v1';

/** /communes/{slug} as Koa's router writes it: /communes/:slug. */
const koaPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** Reads a part of the request against its schema; a part the route does not declare reads as {}. */
const readerOf = (part: 'params' | 'query' | 'body', schema: TObject | undefined) => (schema ? partReader(part, schema) : () => ({}));

function mount(api: Router, route: AnyRoute, deps: AdminDeps): void {
  const read = { params: readerOf('params', route.params), query: readerOf('query', route.query), body: readerOf('body', route.body) };
  api.register(koaPath(route.path), [route.method], async (ctx) => {
    const principal = principalOf(ctx);
    authorize(route.permission, principal, ctx.params.slug);
    const params = read.params(ctx.params) as Record<string, unknown>;
    const query = read.query(ctx.query) as Record<string, unknown>;
    const body = read.body(ctx.request.body) as Record<string, unknown>;
    const reply = await route.handle({ params, query, body, principal, deps, ctx });
    ctx.status = reply.status;
    if (reply.location) ctx.set('Location', reply.location);
    if (reply.body !== undefined) ctx.body = reply.body;
  });
}

export function createAdminRouters(deps: AdminDeps, audience: string, scope: string): { document: Router; api: Router } {
  const routes = adminRoutes(deps.policy);
  const document = new Router({ prefix: ADMIN_PREFIX });
  const openapi = openApiDocument(routes, { issuer: deps.issuer, audience, scope, bodyLimitBytes: deps.policy.bodyLimitBytes });
  document.get('/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = openapi;
  });

  const api = new Router({ prefix: ADMIN_PREFIX });
  api.use(authenticate(deps, audience, scope));
  api.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: deps.policy.bodyLimitBytes,
      // A body that is not JSON is the caller's mistake: a 400 error object, not a 500 (a body too large keeps its 413).
      onError: (error) => {
        if ((error as { status?: number }).status === 400) throw invalid('invalid_request', 'the body must be valid JSON');
        throw error;
      },
    }),
  );
  for (const route of routes) mount(api, route, deps);
  return { document, api };
}

/** Every route of the API as "METHOD /path/{param}", the way the OpenAPI document names them. */
export function listAdminRoutes(api: Router): string[] {
  const routes = new Set<string>();
  for (const layer of api.stack) {
    for (const method of layer.methods) {
      if (method === 'HEAD') continue;
      routes.add(
        `${method} ${String(layer.path)
          .slice(ADMIN_PREFIX.length)
          .replace(/:(\w+)/g, '{$1}')}`,
      );
    }
  }
  return [...routes].sort();
}
