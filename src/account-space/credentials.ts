// Email, password and deletion: each asks for the current password.
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import { sendPage } from '../http/index.js';
import { deleteForm, emailForm, messagePage, passwordForm } from '../views/index.js';
import { citizenOf, csrfToken, originOf, pageOf, requireCsrf, secret, text, type AccountSpaceDeps } from './context.js';
import { sendSection } from './profile.js';

/** Our refusals shown in the form; anything else goes to the error handler. */
function refusalOf(error: unknown): AppError {
  if (error instanceof AppError && (error.kind === 'invalid' || error.kind === 'conflict')) return error;
  throw error;
}

export function showEmail(deps: AccountSpaceDeps, ctx: Context) {
  sendSection(deps, ctx, 'email', emailForm(pageOf(deps, ctx), csrfToken(deps, ctx), citizenOf(ctx).account.email, {}));
}

export async function submitEmail(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  const { account } = citizenOf(ctx);
  const email = text(body, 'email', 254);
  try {
    await deps.accounts.selfService.requestEmailChange(account.id, email, secret(body, 'current_password'));
    sendSection(deps, ctx, 'email', emailForm(page, csrfToken(deps, ctx), account.email, {}), { notice: page.t('account.email.sent', { email }) });
  } catch (error) {
    const refusal = refusalOf(error);
    sendSection(deps, ctx, 'email', emailForm(page, csrfToken(deps, ctx), account.email, { email }),
      { errors: [page.t(`errors.${refusal.code}`)], status: refusal.kind === 'conflict' ? 409 : 400 });
  }
}

export function showPassword(deps: AccountSpaceDeps, ctx: Context) {
  sendSection(deps, ctx, 'password', passwordForm(pageOf(deps, ctx), csrfToken(deps, ctx), deps.config.passwordPolicy.minLength));
}

export async function submitPassword(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  const { minLength, maxLength } = deps.config.passwordPolicy;
  try {
    await deps.accounts.selfService.changePassword(citizenOf(ctx).account.id, secret(body, 'current_password'), secret(body, 'new_password'), originOf(ctx));
    ctx.redirect('/account/password?done=password.changed');
  } catch (error) {
    const refusal = refusalOf(error);
    sendSection(deps, ctx, 'password', passwordForm(page, csrfToken(deps, ctx), minLength),
      { errors: [page.t(`errors.${refusal.code}`, { min: minLength, max: maxLength })], status: 400 });
  }
}

export function showDelete(deps: AccountSpaceDeps, ctx: Context) {
  sendSection(deps, ctx, 'delete', deleteForm(pageOf(deps, ctx), csrfToken(deps, ctx)));
}

export async function submitDelete(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  try {
    await deps.accounts.selfService.deleteAccount(citizenOf(ctx).account.id, secret(body, 'current_password'));
  } catch (error) {
    const refusal = refusalOf(error);
    sendSection(deps, ctx, 'delete', deleteForm(page, csrfToken(deps, ctx)), { errors: [page.t(`errors.${refusal.code}`)], status: 400 });
    return;
  }
  sendPage(ctx, messagePage(page, page.t('account.delete.done_title'), page.t('account.delete.done')).toString());
}
