// /admin/api/v1: the operators' API, mounted from its route table (routes.ts). JSON in and out; every route
// but the OpenAPI document needs a bearer token issued by this provider for this API.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
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

/** A route's input as it arrives: path parameters and query as text, the body as parsed (JSON, or a console form). */
export interface RouteCall {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}
export type RouteReply = Awaited<ReturnType<AnyRoute['handle']>>;
/** Calls a route of the table by its operationId for the principal on ctx.state (the API's and the console's one way in). */
export type InvokeRoute = (operationId: string, ctx: Context, call: RouteCall) => Promise<RouteReply>;

/**
 * Every route of the table, behind the same checks: its permission for the principal, then its input read
 * against its schemas, then its handler. The API and the console both call through here, so that a rule
 * is never said twice.
 */
export function createRouteInvoker(deps: AdminDeps): { routes: readonly AnyRoute[]; invoke: InvokeRoute } {
  const routes = adminRoutes(deps.policy);
  const table = new Map(
    routes.map((route) => [
      route.operationId,
      {
        route,
        read: { params: readerOf('params', route.params), query: readerOf('query', route.query), body: readerOf('body', route.body) },
      },
    ]),
  );
  const invoke: InvokeRoute = async (operationId, ctx, call) => {
    const entry = table.get(operationId);
    if (!entry) throw new Error(`no route ${operationId} in the operators' API`);
    const { route, read } = entry;
    const principal = principalOf(ctx);
    const slug = call.params?.slug;
    authorize(route.permission, principal, typeof slug === 'string' ? slug : undefined);
    const params = read.params(call.params ?? {}) as Record<string, unknown>;
    const query = read.query(call.query ?? {}) as Record<string, unknown>;
    const body = read.body(call.body ?? {}) as Record<string, unknown>;
    return route.handle({ params, query, body, principal, deps, ctx });
  };
  return { routes, invoke };
}

function mount(api: Router, route: AnyRoute, invoke: InvokeRoute): void {
  api.register(koaPath(route.path), [route.method], async (ctx) => {
    const reply = await invoke(route.operationId, ctx, { params: ctx.params, query: ctx.query, body: ctx.request.body });
    ctx.status = reply.status;
    if (reply.location) ctx.set('Location', reply.location);
    if (reply.body !== undefined) ctx.body = reply.body;
  });
}

export function createAdminRouters(
  deps: AdminDeps,
  audience: string,
  scope: string,
): { document: Router; api: Router; invoke: InvokeRoute } {
  const { routes, invoke } = createRouteInvoker(deps);
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
  for (const route of routes) mount(api, route, invoke);
  return { document, api, invoke };
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
