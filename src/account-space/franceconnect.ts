// The FranceConnect part of /account (on the profile page, beside the names it certifies): the certified
// identity read-only, the link's dates, and unlinking, which only an account with a password of ours or a
// passkey may do (accounts/franceconnect-link.ts holds the rule); the others are told how to set a password.
import type { Context } from 'koa';
import { pivotIdentityOf, certifiedNamesOf, type CertifiedNames, type FederatedIdentity } from '../accounts/index.js';
import { certifiedIdentitySection, type SafeHtml } from '../views/index.js';
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
