// The link page: an account has the email FranceConnect gave, and its owner proves it is theirs before the two are
// linked, with its password here (throttled like the login form, on the same keys) or with a code mailed to it
// (franceconnect-code.ts). The account is always the one of FranceConnect's email, whatever the form carries.
import type { Context } from 'koa';
import { passwordCheckRules, secretField, sendPage, setRetryAfter } from '../http/index.js';
import { loginPage } from '../views/index.js';
import { loadInteraction, pageFor, requireCsrf, type Interaction } from './context.js';
import {
  FRANCECONNECT_STEP,
  LINK_CODE_STEP,
  originOf,
  proved,
  requireFranceConnect,
  sendFault,
  type FranceConnectDeps,
} from './franceconnect.js';

export function renderLink(deps: FranceConnectDeps, ctx: Context, interaction: Interaction, email: string, error?: string, status = 200) {
  const page = pageFor(deps, ctx, interaction);
  const base = `/interaction/${interaction.uid}`;
  sendPage(
    ctx,
    loginPage(page, {
      action: `${base}/login`,
      registerHref: `${base}/register`,
      forgotHref: `/account/password/forgot?${new URLSearchParams({ ui_locales: page.locale, client_id: String(interaction.params.client_id) }).toString()}`,
      counterHref: `/account/recover?ui_locales=${page.locale}`,
      csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
      clientName: '',
      communeName: '',
      franceConnectLink: {
        email,
        action: `${base}/${FRANCECONNECT_STEP}/link`,
        backHref: base,
        forgotHref: `/account/password/forgot?${new URLSearchParams({ ui_locales: page.locale, client_id: String(interaction.params.client_id) }).toString()}`,
        codeAction: `${base}/${FRANCECONNECT_STEP}/${LINK_CODE_STEP}`,
        error: error && page.t(error),
      },
    }).toString(),
    status,
  );
}

/** GET /interaction/:uid/franceconnect/link: the password of the account of FranceConnect's email. */
export async function showFranceConnectLink(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const franceConnect = requireFranceConnect(deps);
  const interaction = await loadInteraction(deps, ctx);
  const email = await franceConnect.linkCandidate(interaction.uid);
  if (!email) {
    sendFault(ctx, pageFor(deps, ctx, interaction), 'state_mismatch', interaction.uid);
    return;
  }
  renderLink(deps, ctx, interaction, email);
}

/**
 * POST /interaction/:uid/franceconnect/link: throttled like the login form (the same keys: the account's address
 * and the client's), the account being the one of FranceConnect's email whatever the form carries.
 */
export async function submitFranceConnectLink(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const franceConnect = requireFranceConnect(deps);
  const interaction = await loadInteraction(deps, ctx);
  const form = requireCsrf(deps, ctx, interaction.uid);
  const email = await franceConnect.linkCandidate(interaction.uid);
  if (!email) {
    sendFault(ctx, pageFor(deps, ctx, interaction), 'state_mismatch', interaction.uid);
    return;
  }
  const password = secretField(form, 'password');
  const rules = passwordCheckRules(deps.config.rateLimits, { email, address: ctx.ip });
  const attempt = await deps.rateLimiter.attempt(rules);
  if (!attempt.isAdmitted) {
    setRetryAfter(ctx, attempt.retryAfterSeconds);
    renderLink(deps, ctx, interaction, email, 'errors.rate_limited', 429);
    return;
  }
  const outcome = password ? await franceConnect.link(interaction.uid, password, originOf(ctx)) : { kind: 'wrong_password' as const };
  if (!outcome || outcome.kind !== 'proved') {
    renderLink(deps, ctx, interaction, email, 'franceconnect.link.wrong_password', 401);
    return;
  }
  await deps.rateLimiter.succeeded(rules);
  await proved(deps, franceConnect, ctx, interaction, outcome.accountId, ['password'], true);
}
