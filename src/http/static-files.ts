// Serves our own stylesheet (no third-party resources), cached by browsers for a day.
import { readFileSync } from 'node:fs';
import type { Middleware } from 'koa';

export function staticFiles(files: Record<string, { path: string; type: string }>): Middleware {
  const loaded = new Map(Object.entries(files).map(([url, file]) => [url, { body: readFileSync(file.path), type: file.type }]));
  return async (ctx, next) => {
    const file = ctx.method === 'GET' || ctx.method === 'HEAD' ? loaded.get(ctx.path) : undefined;
    if (!file) {
      await next();
      return;
    }
    ctx.type = file.type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = file.body;
  };
}
