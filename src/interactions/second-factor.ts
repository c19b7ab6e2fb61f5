// The second step of a sign-in: a code of the authenticator app or a recovery code (a passkey is
// interactions/passkey.ts), each check throttled per (account, address) and per account before it runs. An
// account with only a password, at a site that needs two factors, sets up an app here and goes on.
import type { Context } from 'koa';
import type { SignInStep } from '../accounts/index.js';
import { totpQrSvg } from '../accounts/index.js';
import { AppError } from '../errors.js';
import { secondFactorRules, sendPage, setRetryAfter, textField } from '../http/index.js';
import { factorRequiredPage, recoveryCodesPage, secondFactorPage, totpEnrolmentPage, type SafeHtml } from '../views/index.js';
import { clientSummary, loadInteraction, pageFor, requireCsrf, type Interaction, type InteractionDeps } from './context.js';
import { SECOND_FACTOR_STEP, signInProved, stepOf, type SignInDeps } from './sign-in.js';

const CODE_MAX_LENGTH = 40;
/** Six digits (spaces allowed) are an app's code; anything else is tried as a recovery code. */
const isAppCode = (code: string) => /^[0-9]{6}$/.test(code.replace(/\s/g, ''));

/** Extra options on the step page (the passkey button), given by whoever has them. */
export type StepOptions = (
  deps: InteractionDeps,
  ctx: Context,
  interaction: Interaction,
  step: SignInStep,
) => Promise<SafeHtml | undefined>;

const base = (interaction: Interaction) => `/interaction/${interaction.uid}/${SECOND_FACTOR_STEP}`;

async function requireStep(deps: InteractionDeps, interaction: Interaction): Promise<SignInStep> {
  const step = await stepOf(deps, interaction);
  if (!step) throw new AppError('interaction_expired', 'invalid', 'no sign-in under way');
  return step;
}

export async function renderSecondFactor(
  deps: InteractionDeps,
  ctx: Context,
  interaction: Interaction,
  step: SignInStep,
  options: { error?: string; status?: number; passkey?: StepOptions } = {},
): Promise<void> {
  const page = pageFor(deps, ctx, interaction);
  const summary = await clientSummary(deps, interaction);
  const csrfToken = deps.csrf.token(ctx, `interaction:${interaction.uid}`);
  if (!(await deps.factors.hasSecondFactor(step.accountId))) {
    sendPage(
      ctx,
      factorRequiredPage(page, { ...summary, enrolAction: `${base(interaction)}/enrol`, csrfToken }).toString(),
      options.status ?? 200,
    );
    return;
  }
  sendPage(
    ctx,
    secondFactorPage(page, {
      action: base(interaction),
      csrfToken,
      clientName: summary.clientName,
      hasTotp: await deps.factors.hasTotp(step.accountId),
      error: options.error && page.t(options.error),
      passkey: await options.passkey?.(deps, ctx, interaction, step),
    }).toString(),
    options.status ?? 200,
  );
}

export async function showSecondFactor(deps: InteractionDeps, ctx: Context, passkey?: StepOptions): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  const step = await stepOf(deps, interaction);
  if (!step) {
    ctx.redirect(`/interaction/${interaction.uid}`);
    return;
  }
  await renderSecondFactor(deps, ctx, interaction, step, { passkey });
}

/** Counts the attempt, or answers 429 on the page it came from; whether the check may run. */
async function admitted(deps: InteractionDeps, ctx: Context, step: SignInStep, refuse: () => Promise<void>): Promise<boolean> {
  const attempt = await deps.rateLimiter.attempt(secondFactorRules(deps.config.rateLimits, { accountId: step.accountId, address: ctx.ip }));
  if (attempt.isAdmitted) return true;
  ctx.state.log.warn({ event: 'second_factor.rate_limited' }, 'second_factor.rate_limited');
  setRetryAfter(ctx, attempt.retryAfterSeconds);
  await refuse();
  return false;
}

export async function submitSecondFactor(deps: SignInDeps, ctx: Context, passkey?: StepOptions): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  const body = requireCsrf(deps, ctx, interaction.uid);
  const step = await requireStep(deps, interaction);
  const code = textField(body, 'code', CODE_MAX_LENGTH);
  const again = (error: string, status: number) => renderSecondFactor(deps, ctx, interaction, step, { error, status, passkey });
  if (!(await admitted(deps, ctx, step, () => again('errors.rate_limited', 429)))) return;
  const proof = !code
    ? undefined
    : isAppCode(code)
      ? (await deps.factors.verifyTotp(step.accountId, code)) && ('totp' as const)
      : (await deps.factors.useRecoveryCode(step.accountId, code)) !== undefined && ('recovery-code' as const);
  if (!proof) {
    await deps.accounts.selfService.recordEvent(step.accountId, 'second_factor_failed', {
      ip: ctx.ip,
      userAgent: ctx.get('user-agent') || undefined,
    });
    ctx.state.log.info({ event: 'second_factor.failed' }, 'second_factor.failed');
    await again('second_factor.invalid_code', 401);
    return;
  }
  await deps.rateLimiter.succeeded(secondFactorRules(deps.config.rateLimits, { accountId: step.accountId, address: ctx.ip }));
  ctx.state.log.info({ event: 'second_factor.succeeded', method: proof }, 'second_factor.succeeded');
  await signInProved(deps, ctx, interaction, step.accountId, [proof]);
}

/** Starts an app's enrolment for an account that has no second factor yet, then shows it. */
export async function startEnrolment(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  requireCsrf(deps, ctx, interaction.uid);
  const step = await requireStep(deps, interaction);
  const account = await deps.accounts.findById(step.accountId);
  if (!account || (await deps.factors.hasSecondFactor(step.accountId)))
    throw new AppError('interaction_expired', 'invalid', 'nothing to enrol');
  await deps.factors.startTotp(step.accountId, account.email);
  ctx.status = 303;
  ctx.redirect(`${base(interaction)}/enrol`);
}

async function renderEnrolment(
  deps: InteractionDeps,
  ctx: Context,
  interaction: Interaction,
  step: SignInStep,
  error?: string,
  status = 200,
) {
  const page = pageFor(deps, ctx, interaction);
  const account = await deps.accounts.findById(step.accountId);
  const pending = account && (await deps.factors.pendingTotp(step.accountId, account.email));
  if (!pending) {
    ctx.redirect(base(interaction));
    return;
  }
  const view = {
    qrSvg: await totpQrSvg(pending.uri, page.t('totp.qr_label')),
    secret: pending.secret,
    action: `${base(interaction)}/confirm`,
    csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
    error: error && page.t(error),
  };
  sendPage(ctx, totpEnrolmentPage(page, view).toString(), status);
}

export async function showEnrolment(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  await renderEnrolment(deps, ctx, interaction, await requireStep(deps, interaction));
}

/** The first code activates the app: the recovery codes are shown once, then the sign-in goes on. */
export async function confirmEnrolment(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  const body = requireCsrf(deps, ctx, interaction.uid);
  const step = await requireStep(deps, interaction);
  if (!(await admitted(deps, ctx, step, () => renderEnrolment(deps, ctx, interaction, step, 'errors.rate_limited', 429)))) return;
  const codes = await deps.factors.confirmTotp(step.accountId, textField(body, 'code', CODE_MAX_LENGTH));
  if (!codes) {
    await renderEnrolment(deps, ctx, interaction, step, 'second_factor.invalid_code', 400);
    return;
  }
  await deps.rateLimiter.succeeded(secondFactorRules(deps.config.rateLimits, { accountId: step.accountId, address: ctx.ip }));
  await deps.factors.steps.put(interaction.uid, { accountId: step.accountId, proofs: [...step.proofs, 'totp'] });
  const page = pageFor(deps, ctx, interaction);
  sendPage(
    ctx,
    recoveryCodesPage(page, {
      codes,
      action: `${base(interaction)}/continue`,
      csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
    }).toString(),
  );
}

/** After the codes were shown: the proofs gathered are enough now. */
export async function continueAfterEnrolment(deps: SignInDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  requireCsrf(deps, ctx, interaction.uid);
  const step = await requireStep(deps, interaction);
  await signInProved(deps, ctx, interaction, step.accountId, []);
}
