// /account/security: the citizen sets up and turns off an authenticator app and makes new recovery codes.
// Turning the app off asks the password and a current code (a stolen session alone cannot weaken the
// account); new codes ask the password. Codes are checked under the second factors' throttle.
import type { Context } from 'koa';
import { totpQrSvg } from '../accounts/index.js';
import { AppError } from '../errors.js';
import { secondFactorRules, secretField, setRetryAfter, textField } from '../http/index.js';
import { securitySection, securityTotpEnrolment, type SafeHtml } from '../views/index.js';
import { citizenOf, csrfToken, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';
import { passkeyNoticeOf } from './passkeys.js';
import { checkingPassword } from './password-checks.js';
import { sendSection } from './profile.js';

const CODE_MAX_LENGTH = 40;

/** The passkeys' part of the page, drawn by whoever has them. */
export type PasskeyPart = (deps: AccountSpaceDeps, ctx: Context) => Promise<SafeHtml | undefined>;

type Extra = { notice?: string; errors?: string[]; status?: number; newCodes?: string[] };

async function sendSecurity(deps: AccountSpaceDeps, ctx: Context, passkeys: PasskeyPart | undefined, extra: Extra = {}) {
  const page = pageOf(deps, ctx);
  const { account } = citizenOf(ctx);
  const summary = await deps.factors.summary(account.id);
  const body = securitySection(page, {
    csrfToken: csrfToken(deps, ctx),
    totp: summary.totp,
    recoveryCodes: summary.recoveryCodes,
    newCodes: extra.newCodes,
    passkeys: await passkeys?.(deps, ctx),
  });
  sendSection(deps, ctx, 'security', body, extra);
}

export function showSecurity(deps: AccountSpaceDeps, ctx: Context, passkeys?: PasskeyPart) {
  return sendSecurity(deps, ctx, passkeys, { notice: passkeyNoticeOf(pageOf(deps, ctx), ctx) });
}

export async function startTotp(deps: AccountSpaceDeps, ctx: Context) {
  requireCsrf(deps, ctx);
  const { account } = citizenOf(ctx);
  if (!(await deps.factors.startTotp(account.id, account.email))) throw new AppError('totp_active', 'conflict', 'an app is already active');
  ctx.status = 303;
  ctx.redirect('/account/security/totp');
}

async function sendEnrolment(deps: AccountSpaceDeps, ctx: Context, error?: string, status = 200) {
  const page = pageOf(deps, ctx);
  const { account } = citizenOf(ctx);
  const pending = await deps.factors.pendingTotp(account.id, account.email);
  if (!pending) {
    ctx.redirect('/account/security');
    return;
  }
  const view = {
    qrSvg: await totpQrSvg(pending.uri, page.t('totp.qr_label')),
    secret: pending.secret,
    action: '/account/security/totp/confirm',
    csrfToken: csrfToken(deps, ctx),
    error: error && page.t(error),
  };
  sendSection(deps, ctx, 'security', securityTotpEnrolment(page, view), { status });
}

export function showTotpEnrolment(deps: AccountSpaceDeps, ctx: Context) {
  return sendEnrolment(deps, ctx);
}

/** One counted code check, or a 429 on the page it came from; whether the check may run. */
async function codeCheckAdmitted(deps: AccountSpaceDeps, ctx: Context, refuse: () => Promise<void>): Promise<boolean> {
  const attempt = await deps.rateLimiter.attempt(
    secondFactorRules(deps.config.rateLimits, { accountId: citizenOf(ctx).account.id, address: ctx.ip }),
  );
  if (attempt.isAdmitted) return true;
  setRetryAfter(ctx, attempt.retryAfterSeconds);
  await refuse();
  return false;
}

const codeChecked = (deps: AccountSpaceDeps, ctx: Context) =>
  deps.rateLimiter.succeeded(secondFactorRules(deps.config.rateLimits, { accountId: citizenOf(ctx).account.id, address: ctx.ip }));

export async function confirmTotp(deps: AccountSpaceDeps, ctx: Context, passkeys?: PasskeyPart) {
  const body = requireCsrf(deps, ctx);
  if (!(await codeCheckAdmitted(deps, ctx, () => sendEnrolment(deps, ctx, 'errors.rate_limited', 429)))) return;
  const codes = await deps.factors.confirmTotp(citizenOf(ctx).account.id, textField(body, 'code', CODE_MAX_LENGTH));
  if (!codes) {
    await sendEnrolment(deps, ctx, 'second_factor.invalid_code', 400);
    return;
  }
  await codeChecked(deps, ctx);
  await sendSecurity(deps, ctx, passkeys, { notice: pageOf(deps, ctx).t('totp.enabled'), newCodes: codes });
}

/** A refusal of ours, shown on the page; anything else goes on to the error handler. */
function refusalOf(error: unknown): AppError {
  if (error instanceof AppError && (error.kind === 'invalid' || error.kind === 'rate_limited')) return error;
  throw error;
}

export async function disableTotp(deps: AccountSpaceDeps, ctx: Context, passkeys?: PasskeyPart) {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  const { account } = citizenOf(ctx);
  const refuse = (code: string, status: number) => sendSecurity(deps, ctx, passkeys, { errors: [page.t(code)], status });
  try {
    await checkingPassword(deps, ctx, () => deps.accounts.selfService.confirmPassword(account.id, secretField(body, 'current_password')));
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal.kind === 'rate_limited') setRetryAfter(ctx, Number(refusal.details.retryAfterSeconds));
    await refuse(`errors.${refusal.code}`, refusal.kind === 'rate_limited' ? 429 : 400);
    return;
  }
  if (!(await codeCheckAdmitted(deps, ctx, () => refuse('errors.rate_limited', 429)))) return;
  if (!(await deps.factors.verifyTotp(account.id, textField(body, 'code', CODE_MAX_LENGTH)))) {
    await refuse('second_factor.invalid_code', 400);
    return;
  }
  await codeChecked(deps, ctx);
  await deps.factors.disableTotp(account.id);
  await sendSecurity(deps, ctx, passkeys, { notice: page.t('totp.disabled') });
}

export async function regenerateRecoveryCodes(deps: AccountSpaceDeps, ctx: Context, passkeys?: PasskeyPart) {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  const { account } = citizenOf(ctx);
  try {
    await checkingPassword(deps, ctx, () => deps.accounts.selfService.confirmPassword(account.id, secretField(body, 'current_password')));
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal.kind === 'rate_limited') setRetryAfter(ctx, Number(refusal.details.retryAfterSeconds));
    await sendSecurity(deps, ctx, passkeys, {
      errors: [page.t(`errors.${refusal.code}`)],
      status: refusal.kind === 'rate_limited' ? 429 : 400,
    });
    return;
  }
  if (!(await deps.factors.hasTotp(account.id))) throw new AppError('totp_inactive', 'invalid', 'recovery codes go with an app');
  const codes = await deps.factors.regenerateRecoveryCodes(account.id);
  await sendSecurity(deps, ctx, passkeys, { notice: page.t('recovery_codes.regenerated'), newCodes: codes });
}
