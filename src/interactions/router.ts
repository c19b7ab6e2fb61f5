// The pages of a flow in progress: /interaction/:uid and its login, register and consent steps; and the
// error and logout pages, which wear the face of the site a person came from when the registry knows it.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { sendPage, setRetryAfter } from '../http/index.js';
import type { ProviderPages } from '../oidc/index.js';
import type { Communes } from '../registry/index.js';
import { errorPage, logoutDonePage, logoutPage, type CommuneFace, type PageContext, type Views } from '../views/index.js';
import { faceInState, faceOfProviderRequest } from './commune-face.js';
import { submitConsent, showConsent } from './consent.js';
import { loadInteraction, type InteractionDeps } from './context.js';
import { showLogin, submitLogin } from './login.js';
import { createProviderPages as createPlainProviderPages, pageContextOf, type OutageOf } from './pages.js';
import { PASSKEY_STEP, passkeyStepOption, showPasskeyLoginOptions, submitPasskeyLogin } from './passkey.js';
import { showRegister, submitRegister } from './register.js';
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
export { faceOf } from './commune-face.js';

/**
 * A readable error page in the person's language: the message for our codes, the generic one otherwise;
 * the face of the flow's site when this request read it (loadInteraction), and so whom to contact.
 */
export function renderErrorPage(views: Views, ctx: Context, status: number, code: string, face = faceInState(ctx)): void {
  const page: PageContext = { ...pageContextOf(views, ctx), face };
  const key = `errors.${code}`;
  const known = page.t(key);
  sendPage(ctx, errorPage(page, { code, message: known === key ? page.t('error.generic') : known }).toString(), status);
}

/**
 * The provider's pages; given the registry's communes, its error and logout pages wear the face of the
 * client the library loaded or the request names (commune-face.ts), and only the registry's word counts.
 */
export function createProviderPages(
  views: Views,
  outageOf: OutageOf = () => Promise.resolve(undefined),
  communes?: Pick<Communes, 'getCommune'>,
): ProviderPages {
  const plain = createPlainProviderPages(views, outageOf);
  if (!communes) return plain;
  const faceOf = (ctx: KoaContextWithOIDC): Promise<CommuneFace | undefined> =>
    faceOfProviderRequest(ctx, (slug) => communes.getCommune(slug));
  const faced = async (ctx: KoaContextWithOIDC): Promise<PageContext> => ({ ...pageContextOf(views, ctx), face: await faceOf(ctx) });
  return {
    ...plain,
    async error(ctx, out, error) {
      const status = ctx.status >= 400 ? ctx.status : 400;
      const outage = await outageOf(error).catch(() => undefined);
      if (outage) {
        setRetryAfter(ctx, Number(outage.details.retryAfterSeconds));
        renderErrorPage(views, ctx, 503, outage.code, undefined);
        return;
      }
      const page = await faced(ctx);
      // The library's codes are OAuth's (invalid_request…), not ours: the generic message says what to do.
      sendPage(ctx, errorPage(page, { code: out.error, message: page.t('error.generic') }).toString(), status);
    },
    async logout(ctx, form) {
      sendPage(ctx, logoutPage(await faced(ctx), form).toString());
    },
    async logoutDone(ctx) {
      sendPage(ctx, logoutDonePage(await faced(ctx)).toString());
    },
  };
}

export function createInteractionRouter(deps: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  const forms = bodyParser({ enableTypes: ['form'], formLimit: deps.config.http.formBodyLimitBytes });

  router.get('/', async (ctx) => {
    const interaction = await loadInteraction(deps, ctx);
    if (interaction.prompt.name !== 'login') await showConsent(deps, ctx, interaction);
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
  return router;
}
