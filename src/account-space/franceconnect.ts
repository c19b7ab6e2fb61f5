// The FranceConnect part of /account (on the profile page, beside the names it certifies): the certified
// identity read-only, the link's dates, and unlinking, which only an account with a password of ours or a
// passkey may do (accounts/franceconnect-link.ts holds the rule); the others are told how to set a password. And the
// deletion of a linked account with no password, confirmed by signing in again at FranceConnect.
import type { Context } from 'koa';
import { pivotIdentityOf, certifiedNamesOf, type CertifiedNames, type FederatedIdentity } from '../accounts/index.js';
import { REAUTH_COOKIE, UpstreamError } from '../federation/index.js';
import { sendPage } from '../http/index.js';
import { certifiedIdentitySection, messagePage, type SafeHtml } from '../views/index.js';
import { citizenOf, csrfToken, originOf, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';

export interface FranceConnectPart {
  /** The section, undefined for an account without a link. */
  section: SafeHtml | undefined;
  /** The profile's names FranceConnect certifies (none without a link). */
  certified: CertifiedNames;
}

export async function franceConnectPartOf(deps: AccountSpaceDeps, ctx: Context): Promise<FranceConnectPart> {
  const { account } = citizenOf(ctx);
  const link: FederatedIdentity | undefined = await deps.accounts.franceConnect.linkOf(account.id);
  if (!link) return { section: undefined, certified: {} };
  const section = certifiedIdentitySection(pageOf(deps, ctx), {
    csrfToken: csrfToken(deps, ctx),
    identity: pivotIdentityOf(link.identity),
    linkedAt: link.linkedAt,
    lastUsedAt: link.lastUsedAt,
    mayUnlink: await deps.accounts.franceConnect.hasAnotherWayIn(account.id),
  });
  return { section, certified: certifiedNamesOf(link) };
}

/**
 * Unlinks, or shows the profile page again (400) saying why not. `showProfile` draws that page: passed in, so
 * that this file and profile.ts do not import each other.
 */
export async function submitUnlink(
  deps: AccountSpaceDeps,
  ctx: Context,
  showProfile: (extra: { errors: string[]; status: number }) => Promise<void>,
): Promise<void> {
  requireCsrf(deps, ctx);
  const { account } = citizenOf(ctx);
  const outcome = await deps.accounts.franceConnect.unlink(account.id, originOf(ctx));
  if (outcome === 'no_other_way_in') {
    await showProfile({ errors: [pageOf(deps, ctx).t('account.franceconnect.unlink_refused')], status: 400 });
    return;
  }
  if (outcome === 'unlinked') ctx.state.log.info({ event: 'franceconnect.unlinked', accountId: account.id }, 'franceconnect.unlinked');
  ctx.status = 303;
  ctx.redirect(outcome === 'unlinked' ? '/account?done=franceconnect.unlinked' : '/account');
}

/** Where the deletion form of an account that confirms with FranceConnect posts, and where it comes back. */
export const FRANCECONNECT_DELETION_PATHS = {
  start: '/account/delete/franceconnect',
  confirmed: '/account/delete/franceconnect/confirmed',
} as const;

// Read back at FranceConnect's callback (interactions/franceconnect.ts), after a cross-site top-level redirect: lax,
// signed, and sent only to the callback's path.
const reauthCookie = (ctx: Context) => ({
  signed: true,
  httpOnly: true,
  sameSite: 'lax' as const,
  path: '/franceconnect',
  secure: ctx.secure,
  maxAge: 60 * 60 * 1000,
});

/** Whether the deletion page asks for FranceConnect rather than a password (configured, linked, no password). */
export async function confirmsDeletionWithFranceConnect(deps: AccountSpaceDeps, ctx: Context): Promise<boolean> {
  return deps.franceConnect !== undefined && (await deps.accounts.franceConnect.confirmsWithFranceConnect(citizenOf(ctx).account.id));
}

function refuseDeletion(deps: AccountSpaceDeps, ctx: Context): void {
  const page = pageOf(deps, ctx);
  const body = messagePage(page, page.t('account.delete.franceconnect_refused_title'), page.t('account.delete.franceconnect_refused'), {
    href: '/account/delete',
    label: page.t('franceconnect.back_to_deletion'),
  });
  sendPage(ctx, body.toString(), 400);
}

/** POST /account/delete/franceconnect: off to FranceConnect to sign in again, for this account and session. */
export async function startFranceConnectDeletion(deps: AccountSpaceDeps, ctx: Context): Promise<void> {
  requireCsrf(deps, ctx);
  const { account, sessionUid } = citizenOf(ctx);
  if (!deps.franceConnect || !(await confirmsDeletionWithFranceConnect(deps, ctx))) {
    refuseDeletion(deps, ctx);
    return;
  }
  let started;
  try {
    started = await deps.franceConnect.beginReauthentication(account.id, sessionUid, pageOf(deps, ctx).locale);
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    ctx.state.log.warn({ event: 'franceconnect.refused', fault: 'unreachable', code: 'discovery' }, 'franceconnect.refused');
    refuseDeletion(deps, ctx);
    return;
  }
  ctx.cookies.set(REAUTH_COOKIE, started.secret, reauthCookie(ctx));
  ctx.status = 303;
  ctx.redirect(started.url);
}

/** GET /account/delete/franceconnect/confirmed: the deletion, when this session's account just signed in again there. */
export async function finishFranceConnectDeletion(deps: AccountSpaceDeps, ctx: Context): Promise<void> {
  const { account, sessionUid } = citizenOf(ctx);
  if (!deps.franceConnect || !(await deps.franceConnect.takeReauthentication(account.id, sessionUid))) {
    refuseDeletion(deps, ctx);
    return;
  }
  await deps.changes.closeAccount(account);
  ctx.state.log.info({ event: 'account.deleted', accountId: account.id, proof: 'franceconnect' }, 'account.deleted');
  const page = pageOf(deps, ctx);
  sendPage(ctx, messagePage(page, page.t('account.delete.done_title'), page.t('account.delete.done')).toString());
}
