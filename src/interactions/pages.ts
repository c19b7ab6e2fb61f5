// Drawing our pages for the provider's hooks (errors, logout, device flow) and for our own routes. Error and
// logout pages wear the face of the site a person came from when the registry knows it (commune-face.ts).
import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AppError } from '../errors.js';
import { sendPage, setRetryAfter, wantsJson } from '../http/index.js';
import type { ProviderPages, UserCodeForm } from '../oidc/index.js';
import type { Communes } from '../registry/index.js';
import { faceInState, faceOfProviderRequest } from './commune-face.js';
import {
  deviceConfirmPage,
  deviceInputPage,
  deviceSuccessPage,
  errorPage,
  logoutDonePage,
  logoutPage,
  AUTO_SUBMIT_SCRIPT_HASH,
  selfSubmittingFormPage,
  type CommuneFace,
  type DeviceInputForm,
  type PageContext,
  type Views,
} from '../views/index.js';

export function pageContextOf(views: Views, ctx: Context | KoaContextWithOIDC, uiLocales?: string): PageContext {
  const fromParams: unknown = uiLocales ?? ('oidc' in ctx ? (ctx as KoaContextWithOIDC).oidc.params?.ui_locales : undefined);
  const fromQuery = typeof ctx.query.ui_locales === 'string' ? ctx.query.ui_locales : undefined;
  return views.pageFor(typeof fromParams === 'string' ? fromParams : fromQuery, ctx.get('accept-language'));
}

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
 * What the device page says after one of the library's re-render errors. oidc-provider 9 does not export
 * those classes (lib/helpers/re_render_errors.js: NoCodeError, AbortedError, NotFoundError…; its `errors`
 * holds only the OAuth ones), so there is no class to test with instanceof: they are told apart by the
 * name the library gives them, as its own userCodeInputSource does. A code that was typed (userCode) is
 * wrong, unknown, expired or used: one message for all, so the page tells nothing about which codes exist.
 */
function deviceRefusalKey(error: Error & { userCode?: string }): 'device.wrong_code' | 'device.aborted' | 'device.failed' {
  if (error.userCode || error.name === 'NoCodeError') return 'device.wrong_code';
  return error.name === 'AbortedError' ? 'device.aborted' : 'device.failed';
}

/**
 * After a refusal the library writes a new form secret into the session and then persists it, which fails
 * (a 500) for a session it never stored: a browser without the provider's cookie, a forged post,
 * /device/<anything>. Such a session is left unchanged instead; answers whether it was one.
 */
function leaveUnsavedSession(ctx: KoaContextWithOIDC): boolean {
  const session = ctx.oidc.session;
  if (!session || typeof session.exp === 'number') return false;
  (session as unknown as { touched: boolean }).touched = false; // the library's own flag, untyped
  return true;
}

/** Without a stored session the form's secret is worthless: the form starts over by GET /device?user_code=…, which opens one. */
function deviceFormAfterError(ctx: KoaContextWithOIDC, form: UserCodeForm, isUnsaved: boolean): DeviceInputForm {
  if (!isUnsaved) return form;
  const typed = ctx.oidc.params?.user_code;
  return { action: form.action, userCode: form.userCode || (typeof typed === 'string' ? typed : '') };
}

/** What the provider's failures may mean beyond its own codes (the database unreachable: 503). */
export type OutageOf = (error: unknown) => Promise<AppError | undefined>;

/**
 * The provider's pages; given the registry's communes, its error and logout pages wear the face of the client
 * the library loaded or the request names (commune-face.ts), and only the registry's word counts.
 */
export function createProviderPages(
  views: Views,
  outageOf: OutageOf = () => Promise.resolve(undefined),
  communes?: Pick<Communes, 'getCommune'>,
): ProviderPages {
  const faceOf = (ctx: KoaContextWithOIDC): Promise<CommuneFace | undefined> =>
    communes ? faceOfProviderRequest(ctx, (slug) => communes.getCommune(slug)) : Promise.resolve(undefined);
  const faced = async (ctx: KoaContextWithOIDC): Promise<PageContext> => ({ ...pageContextOf(views, ctx), face: await faceOf(ctx) });
  return {
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
    deviceInput(ctx, form, out, error) {
      const page = pageContextOf(views, ctx);
      const e = error;
      // Without an error this is the form itself: Koa's status is still its default 404 when the provider calls us.
      if (!e) {
        sendPage(ctx, deviceInputPage(page, form, page.t('device.enter_code'), false).toString(), 200);
        return;
      }
      const { status } = ctx; // the provider's: 200 for a code to type again, 4xx/5xx for a refusal
      const isUnsaved = leaveUnsavedSession(ctx);
      if (status >= 400 && wantsJson(ctx)) {
        const description = out?.error_description;
        ctx.body = { error: out?.error ?? 'invalid_request', ...(description ? { error_description: description } : {}) };
        ctx.status = status;
        return;
      }
      sendPage(
        ctx,
        deviceInputPage(page, deviceFormAfterError(ctx, form, isUnsaved), page.t(deviceRefusalKey(e)), true).toString(),
        status,
      );
    },
    deviceConfirm(ctx, form, clientName, userCode) {
      sendPage(ctx, deviceConfirmPage(pageContextOf(views, ctx), form, clientName, userCode).toString());
    },
    selfSubmittingForm(ctx, form) {
      const status = ctx.status >= 400 ? ctx.status : 200;
      sendPage(ctx, selfSubmittingFormPage(pageContextOf(views, ctx), form).toString(), status, [AUTO_SUBMIT_SCRIPT_HASH]);
    },
    notFound(ctx) {
      if (ctx.accepts('html', 'json') === 'json') {
        ctx.status = 404;
        ctx.body = { error: 'not_found', error_description: 'no such resource' };
      } else {
        renderErrorPage(views, ctx, 404, 'not_found');
      }
    },
    deviceSuccess(ctx) {
      sendPage(ctx, deviceSuccessPage(pageContextOf(views, ctx)).toString());
    },
  };
}
