// Email, password and deletion: each asks for the current password (deletion, for an account with none that is
// linked to FranceConnect, a new FranceConnect sign-in: franceconnect.ts).
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import { FIELD_LIMITS, mailQuota, secretField, sendPage, setRetryAfter, textField } from '../http/index.js';
import { deleteForm, deleteWithFranceConnectForm, emailForm, messagePage, passwordForm } from '../views/index.js';
import { citizenOf, csrfToken, originOf, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';
import { confirmsDeletionWithFranceConnect, FRANCECONNECT_DELETION_PATHS } from './franceconnect.js';
import { checkingPassword } from './password-checks.js';
import { sendSection } from './profile.js';

/** Our refusals shown in the form; anything else goes to the error handler. */
function refusalOf(error: unknown): AppError {
  if (error instanceof AppError && (error.kind === 'invalid' || error.kind === 'conflict' || error.kind === 'rate_limited')) return error;
  throw error;
}

/** 400, or 429 with Retry-After when the current password may not be tried yet. */
function statusOf(ctx: Context, refusal: AppError): number {
  if (refusal.kind !== 'rate_limited') return 400;
  setRetryAfter(ctx, Number(refusal.details.retryAfterSeconds));
  return 429;
}

export function showEmail(deps: AccountSpaceDeps, ctx: Context) {
  sendSection(deps, ctx, 'email', emailForm(pageOf(deps, ctx), csrfToken(deps, ctx), citizenOf(ctx).account.email, {}));
}

/**
 * Each request mails a link (or a warning to the owner of a taken address): at most a few an hour per
 * account, so that the form cannot bomb an address. Counted before the work, whatever its outcome.
 */
export async function submitEmail(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  const { account } = citizenOf(ctx);
  // Not cut at 254: a longer address must be refused as such, not shortened into another one.
  const email = textField(body, 'email', FIELD_LIMITS.newEmail);
  const quota = await deps.rateLimiter.attempt([mailQuota(`email-change:${account.id}`, deps.config.selfService.emailChangeMailsPerHour)]);
  if (!quota.isAdmitted) {
    setRetryAfter(ctx, quota.retryAfterSeconds);
    sendSection(deps, ctx, 'email', emailForm(page, csrfToken(deps, ctx), account.email, { email }), {
      errors: [page.t('errors.rate_limited_hour')],
      status: 429,
    });
    return;
  }
  try {
    await checkingPassword(deps, ctx, () =>
      deps.accounts.selfService.requestEmailChange(account.id, email, secretField(body, 'current_password')),
    );
    sendSection(deps, ctx, 'email', emailForm(page, csrfToken(deps, ctx), account.email, {}), {
      notice: page.t('account.email.sent', { email }),
    });
  } catch (error) {
    const refusal = refusalOf(error);
    sendSection(deps, ctx, 'email', emailForm(page, csrfToken(deps, ctx), account.email, { email }), {
      errors: [page.t(`errors.${refusal.code}`)],
      status: statusOf(ctx, refusal),
    });
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
    await checkingPassword(deps, ctx, () =>
      deps.changes.changePassword(
        citizenOf(ctx).account.id,
        secretField(body, 'current_password'),
        secretField(body, 'new_password'),
        citizenOf(ctx).sessionUid,
        originOf(ctx),
      ),
    );
    ctx.redirect('/account/password?done=password.changed');
  } catch (error) {
    const refusal = refusalOf(error);
    sendSection(deps, ctx, 'password', passwordForm(page, csrfToken(deps, ctx), minLength), {
      errors: [page.t(`errors.${refusal.code}`, { min: minLength, max: maxLength })],
      status: statusOf(ctx, refusal),
    });
  }
}

export async function showDelete(deps: AccountSpaceDeps, ctx: Context) {
  const page = pageOf(deps, ctx);
  // An account with no password of ours (made from FranceConnect) confirms with a new FranceConnect sign-in.
  const form = (await confirmsDeletionWithFranceConnect(deps, ctx))
    ? deleteWithFranceConnectForm(page, csrfToken(deps, ctx), FRANCECONNECT_DELETION_PATHS.start)
    : deleteForm(page, csrfToken(deps, ctx));
  sendSection(deps, ctx, 'delete', form);
}

export async function submitDelete(deps: AccountSpaceDeps, ctx: Context) {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  try {
    await checkingPassword(deps, ctx, () => deps.changes.deleteAccount(citizenOf(ctx).account.id, secretField(body, 'current_password')));
  } catch (error) {
    const refusal = refusalOf(error);
    sendSection(deps, ctx, 'delete', deleteForm(page, csrfToken(deps, ctx)), {
      errors: [page.t(`errors.${refusal.code}`)],
      status: statusOf(ctx, refusal),
    });
    return;
  }
  sendPage(ctx, messagePage(page, page.t('account.delete.done_title'), page.t('account.delete.done')).toString());
}
