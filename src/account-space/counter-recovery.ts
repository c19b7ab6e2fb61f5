// "J'ai un code remis en mairie" (/account/recover): a citizen who lost every way in types the address of
// the account, the code a town hall's agent handed over, and a new password. Throttled like passwords, per
// (address typed, client address), before the code is checked; an unknown address and a wrong, expired or
// spent code get the same page, status and body alike.
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import { counterCodeRules, FIELD_LIMITS, queryField, secretField, sendPage, setRetryAfter, textField } from '../http/index.js';
import type { CounterRecovery } from '../services/index.js';
import { counterRecoveryPage, messagePage, type CounterRecoveryFault } from '../views/index.js';
import { csrfToken, originOf, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';

/** A counter code is 14 characters as printed; a longer field is no code (cut, it reads as a wrong one). */
const CODE_LIMIT = 40;

/** What these pages need beyond the account space: the service that spends the code. */
export type CounterRecoveryPageDeps = AccountSpaceDeps & { counterRecovery: Pick<CounterRecovery, 'recoverAtCounter'> };

function sendForm(deps: AccountSpaceDeps, ctx: Context, view: { email?: string; fault?: CounterRecoveryFault }, status = 200) {
  const page = pageOf(deps, ctx);
  sendPage(
    ctx,
    counterRecoveryPage(page, { csrfToken: csrfToken(deps, ctx), minLength: deps.config.passwordPolicy.minLength, ...view }).toString(),
    status,
  );
}

export function showCounterRecovery(deps: CounterRecoveryPageDeps, ctx: Context): void {
  sendForm(deps, ctx, { email: queryField(ctx, 'email', FIELD_LIMITS.email) || undefined });
}

export async function submitCounterRecovery(deps: CounterRecoveryPageDeps, ctx: Context): Promise<void> {
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  const email = textField(body, 'email', FIELD_LIMITS.email);
  const code = textField(body, 'code', CODE_LIMIT);
  const newPassword = secretField(body, 'new_password');
  const refusal = { field: 'code' as const, message: page.t('errors.counter_code_invalid') };
  // Nothing to check: the same refusal as a wrong code, without spending an attempt.
  if (!email || !code) {
    sendForm(deps, ctx, { email, fault: refusal }, 400);
    return;
  }
  const rules = counterCodeRules(deps.config.rateLimits, { email, address: ctx.ip });
  const attempt = await deps.rateLimiter.attempt(rules);
  if (!attempt.isAdmitted) {
    ctx.state.log.warn({ event: 'counter_recovery.rate_limited' }, 'counter_recovery.rate_limited');
    setRetryAfter(ctx, attempt.retryAfterSeconds);
    sendForm(deps, ctx, { email, fault: { field: 'code', message: page.t('errors.rate_limited') } }, 429);
    return;
  }
  try {
    const { accountId, communeName } = await deps.counterRecovery.recoverAtCounter({ email, code, newPassword }, originOf(ctx));
    ctx.state.log.info({ event: 'account.recovered_at_counter', accountId, commune: communeName }, 'account.recovered_at_counter');
  } catch (error) {
    if (!(error instanceof AppError) || (error.kind !== 'invalid' && error.code !== 'server_busy')) throw error;
    // A password refused by the policy, or argon2 too busy: no code was checked, the attempt is given back.
    if (error.code !== 'counter_code_invalid') await deps.rateLimiter.cancelled(rules);
    if (error.code === 'server_busy') {
      setRetryAfter(ctx, Number(error.details.retryAfterSeconds));
      sendForm(deps, ctx, { email, fault: { field: 'new_password', message: page.t('errors.server_busy') } }, 503);
      return;
    }
    if (error.code === 'counter_code_invalid') {
      ctx.state.log.info({ event: 'counter_recovery.refused' }, 'counter_recovery.refused');
      sendForm(deps, ctx, { email, fault: refusal }, 400);
      return;
    }
    const { minLength: min, maxLength: max } = deps.config.passwordPolicy;
    sendForm(deps, ctx, { email, fault: { field: 'new_password', message: page.t(`errors.${error.code}`, { min, max }) } }, 400);
    return;
  }
  await deps.rateLimiter.succeeded(rules);
  sendPage(
    ctx,
    messagePage(page, page.t('counter.done_title'), page.t('counter.done'), {
      href: `/account/login?ui_locales=${page.locale}`,
      label: page.t('login.submit'),
    }).toString(),
  );
}
