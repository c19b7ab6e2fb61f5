// Prometheus metrics: request counts and latencies by route, logins ok/failed, served at /metrics (behind
// METRICS_TOKEN when it is set).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  logins: Counter<'outcome'>;
  /** Serves `read` (the pool's count, db/pool.ts) as glc_sql_round_trips_total. */
  countSqlRoundTrips(read: () => number | undefined): void;
  /** fixedRoutes: templates (`/auth/:uid`) of what answers outside our routers: the provider, health, files. */
  middleware(fixedRoutes: readonly string[]): Middleware;
}

/** The label of every path that no route template matches: a request cannot add series by inventing paths. */
export const OTHER_ROUTE = 'other';

type Matcher = (path: string) => string | undefined;

function templateMatcher(templates: readonly string[]): Matcher {
  const split = templates.map((template) => ({ template, segments: template.split('/') }));
  return (path) => {
    const segments = path.split('/');
    return split.find(
      ({ segments: pattern }) =>
        pattern.length === segments.length &&
        pattern.every((part, i) => (part.startsWith(':') ? segments[i] !== '' : part === segments[i])),
    )?.template;
  };
}

// Our routers (@koa/router) leave the template of the route they ran on the context.
function routeLabel(ctx: Context, fixed: Matcher): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  return fixed(ctx.path) ?? OTHER_ROUTE;
}

function bearerMatches(ctx: Context, token: string): boolean {
  const presented = /^Bearer ([\x21-\x7e]+)$/.exec(ctx.get('Authorization'))?.[1];
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

/** render: what /metrics answers, when not this process's registry alone (the whole cluster's, cluster-metrics.ts). */
export function createMetrics(options: { token?: string | undefined; render?: () => Promise<string> } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'glc_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'glc_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const logins = new Counter({
    name: 'glc_logins_total',
    help: 'Login attempts by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return {
    registry,
    logins,
    countSqlRoundTrips(read) {
      let served = 0;
      new Counter({
        name: 'glc_sql_round_trips_total',
        help: 'Statements sent to the database (each one round trip), BEGIN and COMMIT included',
        registers: [registry],
        // Read at each scrape: the pool counts without knowing of Prometheus.
        collect() {
          const now = read() ?? served;
          if (now > served) this.inc(now - served);
          served = now;
        },
      });
    },
    middleware(fixedRoutes) {
      const fixed = templateMatcher([...fixedRoutes, '/metrics']);
      return async (ctx, next) => {
        if (ctx.path === '/metrics' && ctx.method === 'GET') {
          ctx.set('Cache-Control', 'no-store');
          if (options.token !== undefined && !bearerMatches(ctx, options.token)) {
            ctx.status = 401;
            ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
            ctx.body = { error: 'invalid_token', error_description: '/metrics needs Authorization: Bearer <METRICS_TOKEN>' };
            return;
          }
          ctx.type = registry.contentType;
          ctx.body = await (options.render ?? (() => registry.metrics()))();
          return;
        }
        const started = process.hrtime.bigint();
        try {
          await next();
        } finally {
          // Only the method names HTTP defines become labels; anything else a client sends is one more 'other'.
          const method = KNOWN_METHODS.has(ctx.method) ? ctx.method : OTHER_ROUTE;
          const route = routeLabel(ctx, fixed);
          durations.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
          requests.inc({ method, route, status: String(ctx.respond === false ? ctx.res.statusCode : ctx.status) });
        }
      };
    },
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
