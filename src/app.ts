// Composition root of the HTTP side: orders the middleware and mounts our routers before the provider.
import { join } from 'node:path';
import Koa from 'koa';
import type { Config } from './config.js';
import { incrementRateCounters, readRateCounters, type Pool } from './db/index.js';
import { canonicalOrigin, createCsrf, createRateLimiter, errorHandler, health, requestContext, securityHeaders, staticFiles, type Metrics } from './http/index.js';
import type { Accounts } from './accounts/index.js';
import { createAccountSpaceRouter } from './account-space/router.js';
import { createInteractionRouter, renderErrorPage } from './interactions/router.js';
import type { Logger } from './log.js';
import { ADMIN_SCOPE, adminAudience, sectorDocuments, type Oidc } from './oidc/index.js';
import { createAdminRouters, type AdminDeps } from './admin/router.js';
import type { Registry } from './registry/index.js';
import type { Views } from './views/index.js';

export interface AppDeps {
  config: Config;
  log: Logger;
  pool: Pool;
  accounts: Accounts;
  registry: Registry;
  oidc: Oidc;
  views: Views;
  metrics: Metrics;
  admin: AdminDeps;
}

export function createApp(deps: AppDeps): Koa {
  const { config, views } = deps;
  // proxy: true because canonicalOrigin rewrites the forwarded headers from ISSUER on every request.
  const app = new Koa({ proxy: true });
  const csrf = createCsrf(deps.oidc.cookieKeys()[0]!, config.issuer.startsWith('https:'));
  // Signed cookies are read with the provider's cookie keys (the account space reads its session cookie).
  app.keys = deps.oidc.cookieKeys();
  const rateLimiter = createRateLimiter({
    read: (keys, windowStart) => readRateCounters(deps.pool, keys, windowStart),
    increment: (keys, windowStart) => incrementRateCounters(deps.pool, keys, windowStart),
  });
  const interactions = createInteractionRouter({
    provider: deps.oidc.provider, rememberConsent: deps.oidc.rememberConsent, accounts: deps.accounts, views, csrf, config, metrics: deps.metrics, rateLimiter,
  });

  app.use(canonicalOrigin(config.issuer, config.trustProxy));
  app.use(async (ctx, next) => {
    app.keys = deps.oidc.cookieKeys(); // follows key reloads
    await next();
  });
  app.use(requestContext(deps.log));
  app.use(deps.metrics.middleware());
  app.use(securityHeaders());
  app.use(health(async () => { await deps.pool.query('select 1'); }));
  app.use(staticFiles({ '/static/glc.css': { path: join(config.projectRoot, 'src', 'views', 'static', 'glc.css'), type: 'text/css' } }));
  app.use(errorHandler((ctx, status, code) => renderErrorPage(views, ctx, status, code)));
  app.use(sectorDocuments(deps.registry));
  const accountSpace = createAccountSpaceRouter({
    accounts: deps.accounts, citizen: deps.oidc.citizen, registry: deps.registry, views, csrf, rateLimiter, config,
  });
  const admin = createAdminRouters(deps.admin, adminAudience(config.issuer), ADMIN_SCOPE);
  app.use(admin.document.routes());
  app.use(admin.api.routes());
  app.use(admin.api.allowedMethods());
  app.use(interactions.routes());
  app.use(accountSpace.routes());
  app.use(accountSpace.allowedMethods());
  app.use(interactions.allowedMethods());
  app.use(async (ctx) => {
    ctx.respond = false;
    await deps.oidc.handle(ctx.req, ctx.res);
  });
  return app;
}
