// /healthz: the process runs. /readyz: the database answers (503 otherwise, 200 again once it is back).
import type { Middleware } from 'koa';

export const HEALTH_ROUTES = ['/healthz', '/readyz'];

/** timeoutMs: a database slower than this to answer `select 1` is as good as none (503). */
export function health(checkDatabase: () => Promise<void>, timeoutMs: number): Middleware {
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
          new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), timeoutMs).unref()),
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
