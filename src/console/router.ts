// /admin: the operators' console, server-rendered pages over the operators' API's routes (invoked in this
// process with the same permissions and validation: admin/router.ts). Its own sign-in and session.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { ConsoleDeps } from './context.js';
import type { ConsoleMiddleware } from './forms.js';
import { showHome } from './home.js';
import { finishSignIn, requireOperator, showSignedOut, signOut, startSignIn } from './sign-in.js';
import { registerAuditPages } from './audit.js';
import { registerClientsPages } from './clients.js';
import { registerCommunesPages } from './communes.js';
import { registerHelpDeskPages } from './help-desk.js';
import { registerOperatorsPages } from './operators.js';
import { registerReportsPages } from './reports.js';
import { registerScopeRequestsPages } from './scope-requests.js';

export type { ConsoleDeps } from './context.js';

export function createConsoleRouter(deps: ConsoleDeps): Router {
  const router = new Router({ prefix: '/admin' });
  const middleware: ConsoleMiddleware = {
    signedIn: requireOperator(deps),
    forms: bodyParser({ enableTypes: ['form'], formLimit: deps.config.http.formBodyLimitBytes }),
  };
  router.get('/login', (ctx) => startSignIn(deps, ctx));
  router.get('/signed-in', (ctx) => finishSignIn(deps, ctx));
  router.get('/signed-out', (ctx) => showSignedOut(deps, ctx));
  router.post('/logout', middleware.forms, middleware.signedIn, (ctx) => signOut(deps, ctx));
  router.get('/', middleware.signedIn, (ctx) => showHome(deps, ctx));
  for (const register of [
    registerCommunesPages,
    registerClientsPages,
    registerScopeRequestsPages,
    registerOperatorsPages,
    registerAuditPages,
    registerReportsPages,
    registerHelpDeskPages,
  ]) {
    register(router, deps, middleware);
  }
  return router;
}
