// The code mailed before a FranceConnect link, the pages' side: asking for it (a mail quota per account, as for the
// other mails), the form to type it, and its check, throttled by the limiter per (account, address) and per account
// with the second factors' policy (config rateLimits.secondFactorChecks), counted before the check. A right code
// proves the account as the password does (the link waits for the sign-in's completion, sign-in.ts); a wrong, expired or reused one is the form again, saying so.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { mailQuota, sendPage, setRetryAfter, textField, type ThrottleRule } from '../http/index.js';
import { franceConnectCodePage } from '../views/index.js';
import { loadInteraction, pageFor, requireCsrf, type Interaction } from './context.js';
import { FRANCECONNECT_STEP, LINK_CODE_STEP, proved, requireFranceConnect, sendFault, type FranceConnectDeps } from './franceconnect.js';
import { renderLink } from './franceconnect-link.js';

// The account is keyed by a digest of its address, never the address itself (as rate-limit.ts does).
const keyOf = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');

function checkRules(deps: FranceConnectDeps, email: string, address: string): ThrottleRule[] {
  const { perAccountAndAddress, perAccount } = deps.config.rateLimits.secondFactorChecks;
  return [
    { key: `franceconnect-code:${keyOf(email)}:${address}`, ...perAccountAndAddress, onSuccess: 'forget' },
    { key: `franceconnect-code:${keyOf(email)}`, ...perAccount, onSuccess: 'refund' },
  ];
}

const linkPath = (interaction: Interaction) => `/interaction/${interaction.uid}/${FRANCECONNECT_STEP}/link`;
const codePath = (interaction: Interaction) => `/interaction/${interaction.uid}/${FRANCECONNECT_STEP}/${LINK_CODE_STEP}`;

function renderCode(deps: FranceConnectDeps, ctx: Context, interaction: Interaction, email: string, error?: string, status = 200) {
  const page = pageFor(deps, ctx, interaction);
  const view = {
    email,
    action: `${codePath(interaction)}/check`,
    resendAction: codePath(interaction),
    linkHref: linkPath(interaction),
    backHref: `/interaction/${interaction.uid}`,
    csrfToken: deps.csrf.token(ctx, `interaction:${interaction.uid}`),
    error: error && page.t(error),
  };
  sendPage(ctx, franceConnectCodePage(page, view).toString(), status);
}

/** The interaction, its form checked when posted, and the email FranceConnect gave; a fault page when none waits. */
async function pendingLink(deps: FranceConnectDeps, ctx: Context, isPost: boolean) {
  const franceConnect = requireFranceConnect(deps);
  const interaction = await loadInteraction(deps, ctx);
  const form = isPost ? requireCsrf(deps, ctx, interaction.uid) : {};
  const email = await franceConnect.linkCandidate(interaction.uid);
  if (!email) sendFault(ctx, pageFor(deps, ctx, interaction), 'state_mismatch', interaction.uid);
  return email ? { franceConnect, interaction, form, email } : undefined;
}

/** POST /interaction/:uid/franceconnect/link/code: a fresh code mailed to the account, then the form to type it. */
export async function sendFranceConnectCode(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const pending = await pendingLink(deps, ctx, true);
  if (!pending) return;
  const { franceConnect, interaction, email } = pending;
  const quota = await deps.rateLimiter.attempt([
    mailQuota(`franceconnect-code-mail:${keyOf(email)}`, deps.config.selfService.verificationMailsPerHour),
  ]);
  if (!quota.isAdmitted) {
    setRetryAfter(ctx, quota.retryAfterSeconds);
    renderLink(deps, ctx, interaction, email, 'errors.rate_limited_hour', 429);
    return;
  }
  if (!(await franceConnect.sendLinkCode(interaction.uid))) {
    sendFault(ctx, pageFor(deps, ctx, interaction), 'state_mismatch', interaction.uid);
    return;
  }
  ctx.status = 303;
  ctx.redirect(codePath(interaction));
}

/** GET /interaction/:uid/franceconnect/link/code: the form for the code. */
export async function showFranceConnectCode(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const pending = await pendingLink(deps, ctx, false);
  if (pending) renderCode(deps, ctx, pending.interaction, pending.email);
}

/** POST /interaction/:uid/franceconnect/link/code/check: the code typed, counted, checked, then the link. */
export async function checkFranceConnectCode(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const pending = await pendingLink(deps, ctx, true);
  if (!pending) return;
  const { franceConnect, interaction, form, email } = pending;
  const rules = checkRules(deps, email, ctx.ip);
  const attempt = await deps.rateLimiter.attempt(rules);
  if (!attempt.isAdmitted) {
    setRetryAfter(ctx, attempt.retryAfterSeconds);
    renderCode(deps, ctx, interaction, email, 'errors.rate_limited', 429);
    return;
  }
  const outcome = await franceConnect.linkWithCode(interaction.uid, textField(form, 'code', 64));
  if (!outcome || outcome.kind !== 'proved') {
    renderCode(deps, ctx, interaction, email, 'franceconnect.code.wrong', 401);
    return;
  }
  await deps.rateLimiter.succeeded(rules);
  await proved(deps, franceConnect, ctx, interaction, outcome.accountId, [], true);
}
