// Composition root of the HTTP side: orders the middleware and mounts our routers before the provider.
import { join } from 'node:path';
import Koa from 'koa';
import type { Config } from './config.js';
import {
  databaseUnavailability,
  deleteThrottles,
  refundThrottles,
  roundTripsOf,
  settleThrottles,
  takeThrottleAttempt,
  takeThrottleAttemptWith,
  type Pool,
} from './db/index.js';
import {
  canonicalOrigin,
  createCsrf,
  createRateLimiter,
  branch,
  errorHandler,
  formPostRedirect,
  health,
  HEALTH_ROUTES,
  PROGRAM_PATHS,
  refuseControlCharacters,
  requestContext,
  securityHeaders,
  staticFiles,
  under,
  type Metrics,
} from './http/index.js';
import type { Accounts } from './accounts/index.js';
import type { Factors } from './accounts/index.js';
import { createAccountSpaceRouter } from './account-space/router.js';
import { createInvitationRouter } from './account-space/operator-invitation.js';
import { createFranceConnectRouter, createInteractionRouter, faceOf, renderErrorPage } from './interactions/router.js';
import type { FranceConnect } from './federation/index.js';
import { createSiteRouter, SITE_ROUTES } from './site/router.js';
import { createCommuneLogoRouter } from './interactions/commune-logo.js';
import type { Logger } from './log.js';
import {
  ADMIN_SCOPE,
  adminAudience,
  deferringQueryable,
  isProtocolPath,
  providerRouteTemplates,
  SECTOR_DOCUMENT_ROUTE,
  sectorDocuments,
  type Oidc,
} from './oidc/index.js';
import { createAdminRouters, type AdminDeps } from './admin/router.js';
import { createConsoleRouter } from './console/router.js';
import { createConsoleSessions } from './operators/index.js';
import type { Registry } from './registry/index.js';
import type { AccountChanges, CounterRecovery } from './services/index.js';
import type { Views } from './views/index.js';

export interface AppDeps {
  config: Config;
  log: Logger;
  pool: Pool;
  accounts: Accounts;
  factors: Factors;
  changes: AccountChanges;
  counterRecovery: CounterRecovery;
  registry: Registry;
  oidc: Oidc;
  views: Views;
  metrics: Metrics;
  admin: AdminDeps;
  franceConnect?: FranceConnect | undefined;
}

/** The provider's endpoints that only programs call: an error there is an object, whatever Accept says. */
const PROVIDER_PROGRAM_ROUTES = ['token', 'device_authorization', 'introspection', 'revocation', 'registration', 'userinfo', 'jwks'];

export function createApp(deps: AppDeps): Koa {
  const { config, views } = deps;
  // proxy: true because canonicalOrigin rewrites the forwarded headers from ISSUER on every request.
  const app = new Koa({ proxy: true });
  const csrf = createCsrf(deps.oidc.cookieKeys()[0], config.issuer.startsWith('https:'));
  // Signed cookies are read with the provider's cookie keys (the account space reads its session cookie).
  app.keys = deps.oidc.cookieKeys();
  const rateLimiter = createRateLimiter({
    take: (rules) => takeThrottleAttempt(deps.pool, rules),
    takeWith: (rules, alongside) => takeThrottleAttemptWith(deps.pool, rules, alongside),
    forget: (keys) => deleteThrottles(deps.pool, keys),
    refund: (keys) => refundThrottles(deps.pool, keys),
    settle: (forgotten, refunded, options) =>
      settleThrottles((options?.deferred && deferringQueryable('Throttle')) || deps.pool, forgotten, refunded),
  });
  const interactionDeps = {
    provider: deps.oidc.provider,
    rememberConsent: deps.oidc.rememberConsent,
    accounts: deps.accounts,
    factors: deps.factors,
    views,
    csrf,
    config,
    metrics: deps.metrics,
    rateLimiter,
    communes: deps.registry,
    franceConnect: deps.franceConnect,
    endSession: (accountId: string, uid: string) => deps.oidc.citizen.endSession(accountId, uid),
    inPageScope: deps.oidc.inPageScope,
  };
  const interactions = createInteractionRouter(interactionDeps);
  const franceConnectReturns = createFranceConnectRouter(interactionDeps);

  app.use(canonicalOrigin(config.issuer, config.trustProxy));
  app.use(async (ctx, next) => {
    app.keys = deps.oidc.cookieKeys(); // follows key reloads
    await next();
  });
  app.use(requestContext(deps.log));
  const staticFileRoutes = {
    '/static/glc.css': { path: join(config.projectRoot, 'src', 'views', 'static', 'glc.css'), type: 'text/css' },
    '/favicon.svg': { path: join(config.projectRoot, 'src', 'views', 'static', 'favicon.svg'), type: 'image/svg+xml' },
    '/static/franceconnect-button.svg': {
      path: join(config.projectRoot, 'src', 'views', 'static', 'franceconnect-button.svg'),
      type: 'image/svg+xml',
    },
    '/static/console.css': { path: join(config.projectRoot, 'src', 'views', 'static', 'console.css'), type: 'text/css' },
    '/static/forms.js': { path: join(config.projectRoot, 'src', 'views', 'static', 'forms.js'), type: 'text/javascript; charset=utf-8' },
    '/static/passkeys.js': {
      path: join(config.projectRoot, 'src', 'views', 'static', 'passkeys.js'),
      type: 'text/javascript; charset=utf-8',
    },
    // @simplewebauthn/browser, served from our own origin (no CDN); its bundle sets globalThis.SimpleWebAuthnBrowser.
    '/static/simplewebauthn-browser.js': {
      path: join(config.projectRoot, 'node_modules', '@simplewebauthn', 'browser', 'dist', 'bundle', 'index.umd.min.js'),
      type: 'text/javascript; charset=utf-8',
    },
  };
  deps.metrics.countSqlRoundTrips(() => roundTripsOf(deps.pool));
  app.use(
    deps.metrics.middleware([
      ...providerRouteTemplates(deps.oidc.provider()),
      ...HEALTH_ROUTES,
      ...Object.keys(staticFileRoutes),
      ...SITE_ROUTES,
      SECTOR_DOCUMENT_ROUTE,
    ]),
  );
  app.use(securityHeaders(config.issuer));
  const programPaths = [...PROGRAM_PATHS, ...PROVIDER_PROGRAM_ROUTES.map((route) => deps.oidc.provider().pathFor(route))];
  const errors = errorHandler(
    (ctx, status, code) => renderErrorPage(views, ctx, status, code),
    databaseUnavailability(deps.pool, config.database.outageRetryAfterSeconds),
    programPaths,
  );
  const edge = refuseControlCharacters({ maxBodyBytes: config.http.edgeBodyLimitBytes });
  const toProvider: Koa.Middleware = async (ctx) => {
    ctx.respond = false;
    await deps.oidc.handle(ctx.req, ctx.res);
  };
  // The protocol's routes go straight to the provider: past the steps above, only the error answers, the
  // control characters' refusal (a NUL must never reach a query) and, at /auth and /session/end, a form POST
  // made the GET that carries the session (http/form-post-redirect.ts). None of our routers sees them.
  app.use(
    branch(isProtocolPath(deps.oidc.provider()), [
      errors,
      edge,
      formPostRedirect(['authorization', 'end_session'].map((route) => deps.oidc.provider().pathFor(route))),
      toProvider,
    ]),
  );
  app.use(
    health(async () => {
      await deps.pool.query('select 1');
    }, config.database.readinessTimeoutMs),
  );
  app.use(staticFiles(staticFileRoutes));
  app.use(errors);
  app.use(edge);
  app.use(sectorDocuments(deps.registry));
  app.use(createCommuneLogoRouter({ registry: deps.registry }).routes());
  const accountSpaceDeps = {
    accounts: deps.accounts,
    factors: deps.factors,
    changes: deps.changes,
    franceConnect: deps.franceConnect,
    citizen: deps.oidc.citizen,
    counterRecovery: deps.counterRecovery,
    registry: deps.registry,
    views,
    csrf,
    rateLimiter,
    config,
    faceOfClient: async (clientId: string) =>
      faceOf(await deps.oidc.provider().Client.find(clientId), (slug) => deps.registry.getCommune(slug)),
  };
  const accountSpace = createAccountSpaceRouter(accountSpaceDeps);
  const invitations = createInvitationRouter({ ...accountSpaceDeps, invitations: deps.admin.operators });
  const admin = createAdminRouters(deps.admin, adminAudience(config.issuer), ADMIN_SCOPE);
  const site = createSiteRouter({ views, registry: deps.registry, config });
  const operatorsConsole = createConsoleRouter({
    admin: deps.admin,
    invoke: admin.invoke,
    sessions: createConsoleSessions(deps.pool, config.console),
    redeemCode: (code) => deps.oidc.redeemConsoleCode(code),
    views,
    csrf,
    config,
  });
  // Each router under its prefix: a request elsewhere never runs its middleware (the API's authentication…).
  app.use(
    under(
      ['/admin'],
      [
        admin.document.routes(),
        admin.api.routes(),
        admin.api.allowedMethods(),
        operatorsConsole.routes(),
        operatorsConsole.allowedMethods(),
      ],
    ),
  );
  app.use(site.routes());
  app.use(under(['/interaction'], [interactions.routes(), interactions.allowedMethods()]));
  app.use(under(['/franceconnect'], [franceConnectReturns.routes()]));
  app.use(under(['/account'], [accountSpace.routes(), accountSpace.allowedMethods()]));
  app.use(invitations.routes());
  app.use(invitations.allowedMethods());
  // What none of ours answers is the library's (its 404 page).
  app.use(toProvider);
  return app;
}
