// Prometheus metrics: request counts and latencies by route family, logins ok/failed, served at /metrics.
import type { Middleware } from 'koa';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  logins: Counter<'outcome'>;
  middleware(): Middleware;
}

// Route families keep label cardinality bounded (no ids in labels).
function routeOf(path: string): string {
  const first = path.split('/')[1] ?? '';
  if (path.startsWith('/.well-known/')) return '/.well-known';
  return `/${first}`;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'glc_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const durations = new Histogram({
    name: 'glc_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  const logins = new Counter({ name: 'glc_logins_total', help: 'Login attempts by outcome', labelNames: ['outcome'], registers: [registry] });
  return {
    registry,
    logins,
    middleware() {
      return async (ctx, next) => {
        if (ctx.path === '/metrics' && ctx.method === 'GET') {
          ctx.type = registry.contentType;
          ctx.body = await registry.metrics();
          return;
        }
        const stop = durations.startTimer({ method: ctx.method, route: routeOf(ctx.path) });
        try {
          await next();
        } finally {
          stop();
          requests.inc({ method: ctx.method, route: routeOf(ctx.path), status: String(ctx.respond === false ? ctx.res.statusCode : ctx.status) });
        }
      };
    },
  };
}
