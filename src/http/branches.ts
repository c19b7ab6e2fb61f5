// Which middleware a request runs, by its path: the provider's protocol routes take the short way (app.ts),
// and a router runs only under its own prefix, so that a request elsewhere never pays for its middleware.
import type { DefaultContext, DefaultState, Middleware, Next } from 'koa';

/** The steps in order, as one: each one's `next` is the following step, the last one's is `next`. */
export function chain<S = DefaultState, C = DefaultContext>(steps: readonly Middleware<S, C>[]): Middleware<S, C> {
  return (ctx, next: Next) => {
    const run = async (index: number): Promise<void> => {
      const step = steps[index];
      if (step) await step(ctx, () => run(index + 1));
      else await next();
    };
    return run(0);
  };
}

/** Whether `path` is `prefix` itself or a path below it. */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** The steps only for paths under one of `prefixes`; any other request goes past them untouched. */
export function under<S = DefaultState, C = DefaultContext>(
  prefixes: readonly string[],
  steps: readonly Middleware<S, C>[],
): Middleware<S, C> {
  const run = chain(steps);
  return async (ctx, next) => {
    if (prefixes.some((prefix) => isUnder(ctx.path, prefix))) await run(ctx, next);
    else await next();
  };
}

/** The requests `takes` picks run `steps` and end there (the last step answers); the others go on. */
export function branch<S = DefaultState, C = DefaultContext>(
  takes: (path: string) => boolean,
  steps: readonly Middleware<S, C>[],
): Middleware<S, C> {
  const run = chain(steps);
  return async (ctx, next) => {
    if (takes(ctx.path)) await run(ctx, () => Promise.resolve());
    else await next();
  };
}
