// Pages reached without being signed in: links from mails (verify, confirm a new email, reset the
// password) and the forgotten-password form, which answers the same whether or not the email exists.
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import { FIELD_LIMITS, formOf, queryField, resetRequestRules, secretField, sendPage, textField } from '../http/index.js';
import { confirmLinkPage, forgotPasswordPage, messagePage, resetPasswordPage, type PageContext } from '../views/index.js';
import { csrfToken, originOf, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';

const tokenOf = (ctx: Context) => queryField(ctx, 'token', FIELD_LIMITS.token);

function sendInvalidLink(deps: AccountSpaceDeps, ctx: Context, retry?: { href: string; label: string }) {
  const page = pageOf(deps, ctx);
  sendPage(ctx, messagePage(page, page.t('account.link_invalid_title'), page.t('errors.link_invalid'), retry).toString(), 400);
}

function isRefusal(error: unknown): error is AppError {
  return error instanceof AppError && (error.kind === 'invalid' || error.kind === 'conflict');
}

export async function showVerifyLink(deps: AccountSpaceDeps, ctx: Context, purpose: 'verify-email' | 'change-email') {
  const token = tokenOf(ctx);
  if (!(await deps.accounts.selfService.isLinkUsable(token, purpose))) {
    sendInvalidLink(deps, ctx);
    return;
  }
  const page = pageOf(deps, ctx);
  const isVerify = purpose === 'verify-email';
  sendPage(
    ctx,
    confirmLinkPage(page, {
      title: page.t(isVerify ? 'account.email.verify_title' : 'account.email.confirm_title'),
      text: page.t(isVerify ? 'account.email.verify' : 'account.email.confirm'),
      button: page.t(isVerify ? 'account.email.verify_button' : 'account.email.confirm_button'),
      action: isVerify ? '/account/email/verify' : '/account/email/confirm',
      token,
      csrfToken: csrfToken(deps, ctx),
    }).toString(),
  );
}

export async function submitVerifyLink(deps: AccountSpaceDeps, ctx: Context, purpose: 'verify-email' | 'change-email') {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  const link = { href: '/account', label: page.t('account.title') };
  try {
    if (purpose === 'verify-email') {
      await deps.accounts.selfService.verifyEmail(textField(body, 'token', FIELD_LIMITS.token), originOf(ctx));
      sendPage(ctx, messagePage(page, page.t('account.email.verify_title'), page.t('account.email.verified'), link).toString());
    } else {
      const account = await deps.accounts.selfService.confirmEmailChange(textField(body, 'token', FIELD_LIMITS.token), originOf(ctx));
      sendPage(
        ctx,
        messagePage(
          page,
          page.t('account.email.confirm_title'),
          page.t('account.email.changed', { email: account.email }),
          link,
        ).toString(),
      );
    }
  } catch (error) {
    if (!isRefusal(error)) throw error;
    if (error.code === 'link_invalid') {
      sendInvalidLink(deps, ctx);
      return;
    }
    sendPage(ctx, messagePage(page, page.t('error.title'), page.t(`errors.${error.code}`), link).toString(), 409);
  }
}

/**
 * The site a reset started from (client_id in the query or the form), when the registry knows it: the pages
 * then wear its commune's face and end with a way back to it. An unknown value is dropped, never echoed.
 */
async function siteOf(deps: AccountSpaceDeps, ctx: Context): Promise<{ page: PageContext; clientId: string | undefined }> {
  const raw = queryField(ctx, 'client_id', FIELD_LIMITS.token) || textField(formOf(ctx), 'client_id', FIELD_LIMITS.token);
  const face = raw ? await deps.faceOfClient(raw) : undefined;
  return { page: { ...pageOf(deps, ctx), face }, clientId: face ? raw : undefined };
}

export async function showForgotPassword(deps: AccountSpaceDeps, ctx: Context) {
  const email = queryField(ctx, 'email', FIELD_LIMITS.email) || undefined;
  const { page, clientId } = await siteOf(deps, ctx);
  sendPage(ctx, forgotPasswordPage(page, { csrfToken: csrfToken(deps, ctx), email, clientId }).toString());
}

/** Always the same answer; the mail, if any, is sent after it (see selfService.requestPasswordReset). */
export async function submitForgotPassword(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const email = textField(body, 'email', FIELD_LIMITS.email);
  // Refused or not, the answer is the same (it must not tell whether the address has an account).
  const rules = resetRequestRules(deps.config.rateLimits, { email, address: ctx.ip }, deps.config.selfService.passwordResetMailsPerHour);
  const { page, clientId } = await siteOf(deps, ctx);
  if (email && (await deps.rateLimiter.attempt(rules)).isAdmitted) deps.accounts.selfService.requestPasswordReset(email, { clientId });
  sendPage(ctx, forgotPasswordPage(page, { csrfToken: csrfToken(deps, ctx), sentTo: email, clientId }).toString());
}

export async function showResetPassword(deps: AccountSpaceDeps, ctx: Context) {
  const token = tokenOf(ctx);
  const { page, clientId } = await siteOf(deps, ctx);
  if (!(await deps.accounts.selfService.isLinkUsable(token, 'reset-password'))) {
    sendInvalidLink(deps, ctx, {
      href: `/account/password/forgot?ui_locales=${page.locale}`,
      label: page.t('account.password.forgot_title'),
    });
    return;
  }
  sendPage(
    ctx,
    resetPasswordPage(page, {
      csrfToken: csrfToken(deps, ctx),
      token,
      minLength: deps.config.passwordPolicy.minLength,
      clientId,
    }).toString(),
  );
}

export async function submitResetPassword(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const { page, clientId } = await siteOf(deps, ctx);
  const token = textField(body, 'token', FIELD_LIMITS.token);
  const { minLength, maxLength } = deps.config.passwordPolicy;
  try {
    await deps.changes.resetPassword(token, secretField(body, 'new_password'), originOf(ctx));
  } catch (error) {
    if (!isRefusal(error)) throw error;
    if (error.code === 'link_invalid') {
      sendInvalidLink(deps, ctx, {
        href: `/account/password/forgot?ui_locales=${page.locale}`,
        label: page.t('account.password.forgot_title'),
      });
      return;
    }
    sendPage(
      ctx,
      resetPasswordPage(page, {
        csrfToken: csrfToken(deps, ctx),
        token,
        minLength,
        clientId,
        error: page.t(`errors.${error.code}`, { min: minLength, max: maxLength }),
      }).toString(),
      400,
    );
    return;
  }
  sendPage(
    ctx,
    messagePage(
      page,
      page.t('account.password.reset_title'),
      page.t('account.password.reset_done'),
      page.face?.backHref
        ? { href: page.face.backHref, label: page.t('layout.back_to', { site: page.face.siteName }) }
        : { href: '/account', label: page.t('account.title') },
    ).toString(),
  );
}
