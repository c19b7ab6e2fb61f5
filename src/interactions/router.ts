// The pages of a flow in progress: /interaction/:uid and its login, register and consent steps (the provider's
// own pages, errors and logout, are drawn in pages.ts).
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { SELECT_ACCOUNT } from '../oidc/index.js';
import { submitConsent, showConsent } from './consent.js';
import { loadInteraction } from './context.js';
import {
  continueFranceConnect,
  franceConnectCallback,
  franceConnectLoggedOut,
  FRANCECONNECT_STEP,
  LINK_CODE_STEP,
  startFranceConnect,
  type FranceConnectDeps,
} from './franceconnect.js';
import { showFranceConnectLink, submitFranceConnectLink } from './franceconnect-link.js';
import { checkFranceConnectCode, sendFranceConnectCode, showFranceConnectCode } from './franceconnect-code.js';
import { showLogin, submitLogin } from './login.js';
import { PASSKEY_STEP, passkeyStepOption, showPasskeyLoginOptions, submitPasskeyLogin } from './passkey.js';
import { showRegister, submitRegister } from './register.js';
import { showSelectAccount, submitSelectAccount, type SelectAccountDeps } from './select-account.js';
import {
  confirmEnrolment,
  continueAfterEnrolment,
  showEnrolment,
  showSecondFactor,
  startEnrolment,
  submitSecondFactor,
} from './second-factor.js';
import { SECOND_FACTOR_STEP, stepOf } from './sign-in.js';
import { showVerifyLink, submitVerifyLink, VERIFY_STEP } from './verify-link.js';

export type { InteractionDeps } from './context.js';
export type { FranceConnectDeps } from './franceconnect.js';
export { faceOf } from './commune-face.js';
export { createProviderPages, renderErrorPage } from './pages.js';

/** `inPageScope`: each request reads a row at most once, the interaction's sign-in step with it (oidc/request-scope.ts). */
export function createInteractionRouter(
  deps: FranceConnectDeps & SelectAccountDeps & { inPageScope: <T>(run: () => Promise<T>) => Promise<T> },
): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  const forms = bodyParser({ enableTypes: ['form'], formLimit: deps.config.http.formBodyLimitBytes });
  router.use((_ctx, next) => deps.inPageScope(next));

  router.get('/', async (ctx) => {
    const interaction = await loadInteraction(deps, ctx);
    if (interaction.prompt.name === SELECT_ACCOUNT) await showSelectAccount(deps, ctx, interaction);
    else if (interaction.prompt.name !== 'login') await showConsent(deps, ctx, interaction);
    else if (await stepOf(deps, interaction)) ctx.redirect(`/interaction/${interaction.uid}/${SECOND_FACTOR_STEP}`);
    else await showLogin(deps, ctx, interaction);
  });
  router.post('/login', forms, (ctx) => submitLogin(deps, ctx));
  router.get(`/${SECOND_FACTOR_STEP}`, (ctx) => showSecondFactor(deps, ctx, passkeyStepOption));
  router.post(`/${SECOND_FACTOR_STEP}`, forms, (ctx) => submitSecondFactor(deps, ctx, passkeyStepOption));
  router.get(`/${PASSKEY_STEP}/options`, (ctx) => showPasskeyLoginOptions(deps, ctx));
  router.post(`/${PASSKEY_STEP}`, forms, (ctx) => submitPasskeyLogin(deps, ctx));
  router.post(`/${SECOND_FACTOR_STEP}/enrol`, forms, (ctx) => startEnrolment(deps, ctx));
  router.get(`/${SECOND_FACTOR_STEP}/enrol`, (ctx) => showEnrolment(deps, ctx));
  router.post(`/${SECOND_FACTOR_STEP}/confirm`, forms, (ctx) => confirmEnrolment(deps, ctx));
  router.post(`/${SECOND_FACTOR_STEP}/continue`, forms, (ctx) => continueAfterEnrolment(deps, ctx));
  router.get('/register', (ctx) => showRegister(deps, ctx));
  router.post('/register', forms, (ctx) => submitRegister(deps, ctx));
  router.get(`/${VERIFY_STEP}`, (ctx) => showVerifyLink(deps, ctx));
  router.post(`/${VERIFY_STEP}`, forms, (ctx) => submitVerifyLink(deps, ctx));
  router.post('/consent', forms, (ctx) => submitConsent(deps, ctx));
  router.post('/select-account', forms, (ctx) => submitSelectAccount(deps, ctx));
  // Without FranceConnect configured these paths are nobody's: the provider's 404.
  if (deps.franceConnect) {
    router.post(`/${FRANCECONNECT_STEP}`, forms, (ctx) => startFranceConnect(deps, ctx));
    router.get(`/${FRANCECONNECT_STEP}/continue`, (ctx) => continueFranceConnect(deps, ctx));
    router.get(`/${FRANCECONNECT_STEP}/link`, (ctx) => showFranceConnectLink(deps, ctx));
    router.post(`/${FRANCECONNECT_STEP}/link`, forms, (ctx) => submitFranceConnectLink(deps, ctx));
    router.post(`/${FRANCECONNECT_STEP}/${LINK_CODE_STEP}`, forms, (ctx) => sendFranceConnectCode(deps, ctx));
    router.get(`/${FRANCECONNECT_STEP}/${LINK_CODE_STEP}`, (ctx) => showFranceConnectCode(deps, ctx));
    router.post(`/${FRANCECONNECT_STEP}/${LINK_CODE_STEP}/check`, forms, (ctx) => checkFranceConnectCode(deps, ctx));
  }
  return router;
}

/** FranceConnect's fixed return addresses (registered there), outside any interaction's path; none when it is not configured. */
export function createFranceConnectRouter(deps: FranceConnectDeps): Router {
  const router = new Router({ prefix: '/franceconnect' });
  if (deps.franceConnect) {
    router.get('/callback', (ctx) => franceConnectCallback(deps, ctx));
    router.get('/logout-callback', (ctx) => franceConnectLoggedOut(deps, ctx));
  }
  return router;
}
