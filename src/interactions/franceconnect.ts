// Signing in with FranceConnect from a login or create-account page. A form posts to our route, which sends the
// browser to FranceConnect with a round trip bound to it by a signed cookie (federation/); FranceConnect's answer
// comes to one fixed callback, which checks it and goes on at the interaction (whose own cookie names the browser
// again): the account is found by sub, made from the identity, or — when an account has its email — asked for its
// password (or a code mailed to it: franceconnect-code.ts) before the link. Every fault is a page in the citizen's
// language leading back to the login page.
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { REAUTH_COOKIE, UpstreamError, type FranceConnect, type Fault } from '../federation/index.js';
import { sendPage } from '../http/index.js';
import { messagePage, type PageContext } from '../views/index.js';
import { loadInteraction, pageFor, requireCsrf, type Interaction, type InteractionDeps } from './context.js';
import { pageContextOf } from './pages.js';
import { signInProved } from './sign-in.js';

/** The interaction pages' dependencies, with FranceConnect when it is configured (otherwise no button, no route). */
export interface FranceConnectDeps extends InteractionDeps {
  franceConnect?: FranceConnect | undefined;
  /** The mailed link code's quota is the verification mails' (franceconnect-code.ts). */
  config: InteractionDeps['config'] & Pick<Config, 'selfService'>;
}

export const FRANCECONNECT_STEP = 'franceconnect';
/** Where a deletion confirmed at FranceConnect goes on (account-space/credentials.ts). */
const REAUTHENTICATED_PATH = '/account/delete/franceconnect/confirmed';
/** Under the link page: the code mailed to the account (franceconnect-code.ts). */
export const LINK_CODE_STEP = 'link/code';
const BINDING_COOKIE = 'glc.fc';
// Sent back by FranceConnect's top-level redirect (a cross-site GET): lax, and only to our callback's path.
const bindingCookie = (ctx: Context) => ({
  signed: true,
  httpOnly: true,
  sameSite: 'lax' as const,
  path: '/franceconnect',
  secure: ctx.secure,
});

const FAULT_STATUS: Record<Fault, number> = {
  state_mismatch: 400,
  access_denied: 400,
  upstream_error: 502,
  unreachable: 502,
  invalid_answer: 502,
  level_unknown: 502,
  other_identity: 403,
  stale_authentication: 403,
};

/** The button's form target, or undefined when FranceConnect is not configured. */
export function franceConnectButtonOf(deps: FranceConnectDeps, interaction: Interaction): { action: string } | undefined {
  return deps.franceConnect ? { action: `/interaction/${interaction.uid}/${FRANCECONNECT_STEP}` } : undefined;
}

/** A fault: what happened, in the citizen's words, and the way back to the login page (when we know its interaction). */
export function sendFault(
  ctx: Context,
  page: PageContext,
  fault: Fault | 'account_locked' | 'no_email',
  interactionUid?: string,
  isReauthentication = false,
): void {
  const status = fault in FAULT_STATUS ? FAULT_STATUS[fault as Fault] : 403;
  const back = interactionUid
    ? { href: `/interaction/${interactionUid}`, label: page.t('franceconnect.back_to_login') }
    : isReauthentication
      ? { href: '/account/delete', label: page.t('franceconnect.back_to_deletion') }
      : { href: `/?ui_locales=${page.locale}`, label: page.t('franceconnect.back_home') };
  sendPage(ctx, messagePage(page, page.t('franceconnect.fault_title'), page.t(`franceconnect.faults.${fault}`), back).toString(), status);
}

export function requireFranceConnect(deps: FranceConnectDeps): FranceConnect {
  // The routes exist only when it is configured (router.ts): reaching here without it is a wiring bug.
  if (!deps.franceConnect) throw new Error('franceconnect routes mounted without FranceConnect');
  return deps.franceConnect;
}

/** POST /interaction/:uid/franceconnect: off to FranceConnect. */
export async function startFranceConnect(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const franceConnect = requireFranceConnect(deps);
  const interaction = await loadInteraction(deps, ctx);
  requireCsrf(deps, ctx, interaction.uid);
  const page = pageFor(deps, ctx, interaction);
  let started;
  try {
    started = await franceConnect.begin(interaction.uid, page.locale);
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    ctx.state.log.warn({ event: 'franceconnect.refused', fault: 'unreachable', code: 'discovery' }, 'franceconnect.refused');
    sendFault(ctx, page, 'unreachable', interaction.uid);
    return;
  }
  ctx.cookies.set(BINDING_COOKIE, `${started.binding.interactionUid}.${started.binding.secret}`, {
    ...bindingCookie(ctx),
    maxAge: 60 * 60 * 1000,
  });
  ctx.status = 303;
  ctx.redirect(started.url);
}

function bindingOf(ctx: Context) {
  const value = ctx.cookies.get(BINDING_COOKIE, { signed: true });
  const [interactionUid, secret, ...rest] = (value ?? '').split('.');
  const isPart = (part: string | undefined): part is string => part !== undefined && /^[A-Za-z0-9_-]{1,200}$/.test(part);
  return isPart(interactionUid) && isPart(secret) && rest.length === 0 ? { interactionUid, secret } : undefined;
}

/** GET /franceconnect/callback: FranceConnect's answer, checked, then on at the interaction it belongs to. */
export async function franceConnectCallback(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const franceConnect = requireFranceConnect(deps);
  const binding = bindingOf(ctx);
  const reauthSecret = ctx.cookies.get(REAUTH_COOKIE, { signed: true });
  ctx.cookies.set(BINDING_COOKIE, null, bindingCookie(ctx));
  if (reauthSecret !== undefined) ctx.cookies.set(REAUTH_COOKIE, null, bindingCookie(ctx));
  const outcome = await franceConnect.answer(ctx.querystring, binding, reauthSecret);
  if (!outcome.ok) {
    sendFault(ctx, pageContextOf(deps.views, ctx), outcome.fault, outcome.interactionUid, outcome.isReauthentication);
    return;
  }
  ctx.status = 303;
  // A deletion's round trip goes back to the account space, which deletes for its own session only.
  ctx.redirect(
    'reauthenticated' in outcome ? REAUTHENTICATED_PATH : `/interaction/${outcome.interactionUid}/${FRANCECONNECT_STEP}/continue`,
  );
}

export const originOf = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined });

/** GET /interaction/:uid/franceconnect/continue: the identity FranceConnect vouched for, to its account. */
export async function continueFranceConnect(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const franceConnect = requireFranceConnect(deps);
  const interaction = await loadInteraction(deps, ctx);
  const page = pageFor(deps, ctx, interaction);
  const clientId = typeof interaction.params.client_id === 'string' ? interaction.params.client_id : undefined;
  const resolution = await franceConnect.resolve(interaction.uid, { locale: page.locale, clientId, origin: originOf(ctx) });
  if (!resolution) {
    sendFault(ctx, page, 'state_mismatch', interaction.uid);
    return;
  }
  if (resolution.kind === 'refused') {
    sendFault(ctx, page, resolution.reason, interaction.uid);
    return;
  }
  if (resolution.kind === 'needs_link') {
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}/${FRANCECONNECT_STEP}/link`);
    return;
  }
  await proved(deps, franceConnect, ctx, interaction, resolution.accountId, []);
}

/**
 * The account is decided: signed in with FranceConnect's proof and the password when one was typed (a mailed code
 * adds no amr value: it proved the mailbox, the identity's own email, not a factor of ours). `isLinking`: the link
 * waits for the completion (sign-in.ts), after the account's second factor when it has one.
 */
export async function proved(
  deps: FranceConnectDeps,
  franceConnect: FranceConnect,
  ctx: Context,
  interaction: Interaction,
  accountId: string,
  others: ['password'] | [],
  isLinking = false,
): Promise<void> {
  const proof = await franceConnect.proofOf(interaction.uid);
  if (!proof) throw new Error('franceconnect: an account decided without its identity');
  await signInProved(deps, ctx, interaction, accountId, [proof, ...others], { isLinking });
}

/** GET /franceconnect/logout-callback: FranceConnect ended its session; our logout goes on where it was going. */
export async function franceConnectLoggedOut(deps: FranceConnectDeps, ctx: Context): Promise<void> {
  const franceConnect = requireFranceConnect(deps);
  const state = typeof ctx.query.state === 'string' ? ctx.query.state : undefined;
  const continueTo = await franceConnect.signedOut(state);
  ctx.status = 303;
  // Only a place the library chose (a registered post_logout_redirect_uri, or our own page): never one from the request.
  ctx.redirect(continueTo ?? deps.provider().pathFor('end_session_success'));
}
