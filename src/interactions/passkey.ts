// Signing in with a passkey at the login page (alone: a discoverable credential) or at the second-factor
// step (then only the account's own credentials are offered). The challenge is bound to the interaction
// (`login:<uid>`), which only its browser holds. Throttled with the second factors' one mechanism: every
// attempt first spends from a ceiling per address (unknown credentials and bad answers count there, a
// success gives it back), then, once the credential names its account, from the (account, address) pair
// and the account's ceiling, before any signature is checked.
import type { Context } from 'koa';
import { secondFactorRules, secretField, sendPage, setRetryAfter, type ThrottleRule } from '../http/index.js';
import { messagePage, passkeyLoginFragment } from '../views/index.js';
import type { StepOptions } from './second-factor.js';
import { loadInteraction, pageFor, requireCsrf, type Interaction, type InteractionDeps } from './context.js';
import { signInProved, stepOf } from './sign-in.js';

export const PASSKEY_STEP = 'passkey';

/**
 * Every passkey answer from one address, whatever credential it names: the account is not known yet, so this
 * ceiling is what slows an address trying credentials. It reuses the account ceiling's policy (generous, never
 * locking): a town hall's one address signs many people in.
 */
export function passkeyAddressRules(limits: InteractionDeps['config']['rateLimits'], address: string): ThrottleRule[] {
  return [{ key: `passkey-address:${address}`, ...limits.secondFactorChecks.perAccount, onSuccess: 'refund' }];
}

const challengeKeyOf = (interaction: Interaction) => `login:${interaction.uid}`;

function refusal(
  deps: InteractionDeps,
  ctx: Context,
  interaction: Interaction,
  reason: 'refused' | 'malformed' | 'rate_limited',
  status: number,
): void {
  const page = pageFor(deps, ctx, interaction);
  const body = messagePage(page, page.t('passkeys.refused_title'), page.t(`passkeys.${reason}`), {
    href: `/interaction/${interaction.uid}`,
    label: page.t('passkeys.back_to_login'),
  });
  sendPage(ctx, body.toString(), status);
}

/** GET …/passkey/options: the options of navigator.credentials.get for this interaction, as JSON. */
export async function showPasskeyLoginOptions(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  // At the second-factor step the account is known: only its credentials are offered.
  const step = await stepOf(deps, interaction);
  const options = await deps.factors.passkeys.authenticationOptions(challengeKeyOf(interaction), step?.accountId);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = options;
}

async function admitted(deps: InteractionDeps, ctx: Context, interaction: Interaction, rules: ThrottleRule[]): Promise<boolean> {
  const attempt = await deps.rateLimiter.attempt(rules);
  if (attempt.isAdmitted) return true;
  deps.metrics.logins.inc({ outcome: 'rate_limited' });
  ctx.state.log.warn({ event: 'login.passkey_rate_limited' }, 'login.passkey_rate_limited');
  setRetryAfter(ctx, attempt.retryAfterSeconds);
  refusal(deps, ctx, interaction, 'rate_limited', 429);
  return false;
}

/** POST …/passkey: the form whose hidden `response` holds the browser's answer. */
export async function submitPasskeyLogin(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  const response = secretField(requireCsrf(deps, ctx, interaction.uid), 'response');
  const addressRules = passkeyAddressRules(deps.config.rateLimits, ctx.ip);
  if (!(await admitted(deps, ctx, interaction, addressRules))) return;
  const owner = await deps.factors.passkeys.ownerOf(response);
  if (owner.kind === 'malformed') {
    refusal(deps, ctx, interaction, 'malformed', 400);
    return;
  }
  const accountRules =
    owner.kind === 'known' ? secondFactorRules(deps.config.rateLimits, { accountId: owner.accountId, address: ctx.ip }) : [];
  if (accountRules.length && !(await admitted(deps, ctx, interaction, accountRules))) return;
  const result =
    owner.kind === 'known' ? await deps.factors.passkeys.verifyAuthentication(challengeKeyOf(interaction), response) : undefined;
  // A locked account is refused like a wrong answer.
  const account = result && (await deps.accounts.findById(result.accountId));
  if (!result || !account || account.lockedAt) {
    deps.metrics.logins.inc({ outcome: 'failed' });
    ctx.state.log.info({ event: 'login.passkey_failed' }, 'login.passkey_failed');
    refusal(deps, ctx, interaction, 'refused', 401);
    return;
  }
  await deps.rateLimiter.succeeded([...addressRules, ...accountRules]);
  deps.metrics.logins.inc({ outcome: 'ok' });
  ctx.state.log.info({ event: 'login.passkey_succeeded', accountId: account.id }, 'login.passkey_succeeded');
  await deps.accounts.selfService.recordEvent(account.id, 'login', { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined });
  await signInProved(deps, ctx, interaction, account.id, [result.proof]);
}

/** The passkey button of the second-factor step, for an account that has a passkey. */
export const passkeyStepOption: StepOptions = async (deps, ctx, interaction, step) => {
  if (!(await deps.factors.passkeys.hasPasskey(step.accountId))) return undefined;
  const base = `/interaction/${interaction.uid}/${PASSKEY_STEP}`;
  return passkeyLoginFragment(pageFor(deps, ctx, interaction), {
    optionsUrl: `${base}/options`,
    action: base,
    csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
  });
};
