// The /account forms that ask for the current password check it under the same throttle as signing in
// (http/rate-limit passwordCheckRules): a stolen session must not become a way to guess the password.
import type { Context } from 'koa';
import { AppError, rateLimited } from '../errors.js';
import { passwordCheckRules } from '../http/index.js';
import { citizenOf, type AccountSpaceDeps } from './context.js';

/**
 * Runs `check` (a self-service call that verifies the current password first) as one counted attempt;
 * refused with a 'rate_limited' AppError, before anything runs, while the citizen must wait.
 */
export async function checkingPassword<T>(deps: AccountSpaceDeps, ctx: Context, check: () => Promise<T>): Promise<T> {
  const rules = passwordCheckRules(deps.config.rateLimits, { email: citizenOf(ctx).account.email, address: ctx.ip });
  const attempt = await deps.rateLimiter.attempt(rules);
  if (!attempt.isAdmitted) throw rateLimited('rate_limited', attempt.retryAfterSeconds, 'too many password attempts');
  let result: T;
  try {
    result = await check();
  } catch (error) {
    if (error instanceof AppError && error.code === 'server_busy') await deps.rateLimiter.cancelled(rules);
    // Refused for another reason than the password (the new one too short…): the password was right.
    else if (
      error instanceof AppError &&
      error.code !== 'current_password_wrong' &&
      (error.kind === 'invalid' || error.kind === 'conflict')
    ) {
      await deps.rateLimiter.succeeded(rules);
    }
    throw error;
  }
  await deps.rateLimiter.succeeded(rules);
  return result;
}
