// Drawing our pages for the provider's hooks (errors, logout, device flow) and for our own routes.
import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { sendPage } from '../http/index.js';
import type { ProviderPages } from '../oidc/index.js';
import {
  deviceConfirmPage, deviceInputPage, deviceSuccessPage, errorPage, logoutDonePage, logoutPage,
  AUTO_SUBMIT_SCRIPT_HASH, selfSubmittingFormPage, type DeviceInputForm, type PageContext, type Views,
} from '../views/index.js';

export function pageContextOf(views: Views, ctx: Context | KoaContextWithOIDC, uiLocales?: string): PageContext {
  const fromParams = uiLocales ?? (ctx as KoaContextWithOIDC).oidc?.params?.ui_locales;
  const fromQuery = typeof ctx.query?.ui_locales === 'string' ? ctx.query.ui_locales : undefined;
  return views.pageFor(typeof fromParams === 'string' ? fromParams : fromQuery, ctx.get('accept-language'));
}

/** A readable error page in the person's language: the message for our codes, the generic one otherwise. */
export function renderErrorPage(views: Views, ctx: Context, status: number, code: string): void {
  const page = pageContextOf(views, ctx);
  const key = `errors.${code}`;
  const known = page.t(key);
  const message = known === key ? page.t('error.generic') : known;
  sendPage(ctx, errorPage(page, { code, message }).toString(), status);
}

/** The action and hidden fields of the provider's user-code form, which we draw ourselves. */
function readDeviceInputForm(form: string): DeviceInputForm {
  const attribute = (pattern: RegExp) => decodeEntities(pattern.exec(form)?.[1] ?? '');
  return {
    action: attribute(/action="([^"]*)"/),
    xsrf: attribute(/name="xsrf" value="([^"]*)"/),
    userCode: attribute(/value="([^"]*)"[^>]*name="user_code"/),
  };
}

function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function createProviderPages(views: Views): ProviderPages {
  return {
    async error(ctx, out) {
      const page = pageContextOf(views, ctx);
      const status = ctx.status >= 400 ? ctx.status : 400;
      sendPage(ctx, errorPage(page, { code: out.error, message: page.t('error.generic') }).toString(), status);
    },
    async logout(ctx, form) {
      sendPage(ctx, logoutPage(pageContextOf(views, ctx), form).toString());
    },
    async logoutDone(ctx) {
      sendPage(ctx, logoutDonePage(pageContextOf(views, ctx)).toString());
    },
    async deviceInput(ctx, form, _out, error) {
      const page = pageContextOf(views, ctx);
      const e = error as (Error & { userCode?: string }) | undefined;
      const message = !e ? page.t('device.enter_code')
        : e.userCode || e.name === 'NoCodeError' ? page.t('device.wrong_code')
          : e.name === 'AbortedError' ? page.t('device.aborted') : page.t('device.failed');
      sendPage(ctx, deviceInputPage(page, readDeviceInputForm(form), message, Boolean(e)).toString(), ctx.status >= 400 ? ctx.status : 200);
    },
    async deviceConfirm(ctx, form, clientName, userCode) {
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
    async deviceSuccess(ctx) {
      sendPage(ctx, deviceSuccessPage(pageContextOf(views, ctx)).toString());
    },
  };
}
