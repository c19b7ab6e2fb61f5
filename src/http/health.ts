// /healthz: the process runs. /readyz: the database answers (503 otherwise, 200 again once it is back).
import type { Middleware } from 'koa';

export const HEALTH_ROUTES = ['/healthz', '/readyz'];

export function health(checkDatabase: () => Promise<void>): Middleware {
  return async (ctx, next) => {
    if (ctx.path === '/healthz' && ctx.method === 'GET') {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz' && ctx.method === 'GET') {
      ctx.set('Cache-Control', 'no-store');
      try {
        await Promise.race([
          checkDatabase(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 2000).unref()),
        ]);
        ctx.body = { status: 'ready' };
      } catch {
        ctx.status = 503;
        ctx.body = { status: 'unavailable', reason: 'database' };
      }
      return;
    }
    await next();
  };
}
