// The login step: email and password (a second factor follows in sign-in.ts when one is due); a refusal says why without telling which of the two was wrong.
// The attempt is throttled (http/rate-limit) before argon2 runs, and argon2 itself is bounded (accounts).
import type { Context } from 'koa';
import type { SignedInAccount } from '../accounts/index.js';
import { AppError } from '../errors.js';
import { passwordCheckRules, sendPage, setRetryAfter, wantsJson } from '../http/index.js';
import { loginPage } from '../views/index.js';
import { clientSummary, loadInteraction, pageFor, requireCsrf, type Interaction } from './context.js';
import { franceConnectButtonOf, type FranceConnectDeps } from './franceconnect.js';
import { readLoginForm } from './forms.js';
import { signInProved } from './sign-in.js';
import { deferPageWrites, deferringQueryable } from '../oidc/index.js';

async function renderLogin(deps: FranceConnectDeps, ctx: Context, interaction: Interaction, email?: string, error?: string, status = 200) {
  const page = pageFor(deps, ctx, interaction);
  const summary = await clientSummary(deps, interaction);
  const base = `/interaction/${interaction.uid}`;
  sendPage(
    ctx,
    loginPage(page, {
      ...summary,
      action: `${base}/login`,
      registerHref: `${base}/register`,
      forgotHref: `/account/password/forgot?${new URLSearchParams({ ui_locales: page.locale, client_id: String(interaction.params.client_id) }).toString()}`,
      counterHref: `/account/recover?ui_locales=${page.locale}`,
      passkey: { optionsUrl: `${base}/passkey/options`, action: `${base}/passkey` },
      csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
      franceConnect: franceConnectButtonOf(deps, interaction),
      email: email ?? (typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : undefined),
      error: error && page.t(error),
    }).toString(),
    status,
  );
}

export function showLogin(deps: FranceConnectDeps, ctx: Context, interaction: Interaction): Promise<void> {
  return renderLogin(deps, ctx, interaction);
}

export async function submitLogin(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const interaction = await loadInteraction(deps, ctx);
  const form = readLoginForm(requireCsrf(deps, ctx, interaction.uid));
  const rules = passwordCheckRules(deps.config.rateLimits, { email: form.email, address: ctx.ip });
  // The account is read in the statement that counts the attempt: one round trip; a refused attempt ignores it.
  const lookup = deps.accounts.signingInLookup(form.email);
  const attempt = await deps.rateLimiter.attemptWith(rules, lookup);
  if (!attempt.isAdmitted) {
    deps.metrics.logins.inc({ outcome: 'rate_limited' });
    ctx.state.log.warn({ event: 'login.rate_limited' }, 'login.rate_limited');
    setRetryAfter(ctx, attempt.retryAfterSeconds);
    await renderLogin(deps, ctx, interaction, form.email, 'errors.rate_limited', 429);
    return;
  }
  // The sign-in's record, the throttles' settling and the interaction's result go as one statement, sent
  // before the browser is sent on (sign-in.ts); a failure on the way records the failure at once, as before.
  deferPageWrites();
  let account: SignedInAccount | undefined;
  try {
    const origin = { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined };
    const options = { found: lookup.read(attempt.alongside), recordThrough: deferringQueryable('PasswordLogin') };
    account = form.email && form.password ? await deps.accounts.authenticate(form.email, form.password, origin, options) : undefined;
  } catch (error) {
    // argon2 was busy: no password was checked, so the attempt is given back; a person keeps the form.
    if (!(error instanceof AppError) || error.code !== 'server_busy') throw error;
    await deps.rateLimiter.cancelled(rules);
    deps.metrics.logins.inc({ outcome: 'busy' });
    if (wantsJson(ctx)) throw error;
    setRetryAfter(ctx, Number(error.details.retryAfterSeconds));
    await renderLogin(deps, ctx, interaction, form.email, 'errors.server_busy', 503);
    return;
  }
  if (!account) {
    deps.metrics.logins.inc({ outcome: 'failed' });
    ctx.state.log.info({ event: 'login.failed' }, 'login.failed');
    await renderLogin(deps, ctx, interaction, form.email, 'login.invalid_credentials', 401);
    return;
  }
  await deps.rateLimiter.succeeded(rules, { deferred: true });
  deps.metrics.logins.inc({ outcome: 'ok' });
  ctx.state.log.info({ event: 'login.succeeded', accountId: account.id }, 'login.succeeded');
  await signInProved(deps, ctx, interaction, account.id, ['password'], { hasSecondFactor: account.hasSecondFactor });
}
