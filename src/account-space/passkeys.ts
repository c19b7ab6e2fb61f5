// The passkeys of the security section: the registration options (JSON, for the page's script), the form
// that adds a passkey with the browser's answer, and the one that removes one. The challenge is bound to the
// citizen's session: an answer obtained in another session is refused. The last passkey of an account with neither
// a password nor FranceConnect stays (passkey-repository.ts checks it in the delete): it is the only way in.
import type { Context } from 'koa';
import { FIELD_LIMITS, secretField, sendPage, textField } from '../http/index.js';
import { messagePage, passkeySection, type PageContext, type SafeHtml } from '../views/index.js';
import { citizenOf, csrfToken, originOf, pageOf, requireCsrf, type AccountSpaceDeps } from './context.js';

/** Where the lead's router mounts the handlers (the section's own page is /account/security). */
export const PASSKEY_PATHS = {
  options: '/account/security/passkeys/options',
  add: '/account/security/passkeys',
  remove: '/account/security/passkeys/remove',
  back: '/account/security',
} as const;

/** The section of the security page: the account's passkeys and the form that adds one. */
export async function passkeySectionOf(deps: AccountSpaceDeps, ctx: Context): Promise<SafeHtml> {
  return passkeySection(pageOf(deps, ctx), {
    passkeys: await deps.factors.passkeys.list(citizenOf(ctx).account.id),
    csrfToken: csrfToken(deps, ctx),
    optionsUrl: PASSKEY_PATHS.options,
    action: PASSKEY_PATHS.add,
    removeAction: PASSKEY_PATHS.remove,
  });
}

/** The notice the security page shows after a passkey was added or removed (?passkey=added|removed). */
export function passkeyNoticeOf(page: PageContext, ctx: Context): string | undefined {
  const done = ctx.query.passkey;
  return done === 'added' || done === 'removed' ? page.t(`passkeys.${done}`) : undefined;
}

function refuse(
  deps: AccountSpaceDeps,
  ctx: Context,
  reason: 'refused' | 'name_invalid' | 'already_registered' | 'not_found' | 'last_way_in',
) {
  const page = pageOf(deps, ctx);
  const body = messagePage(page, page.t('passkeys.refused_title'), page.t(`passkeys.${reason}`), {
    href: PASSKEY_PATHS.back,
    label: page.t('passkeys.back_to_security'),
  });
  sendPage(ctx, body.toString(), 400);
}

export async function showPasskeyOptions(deps: AccountSpaceDeps, ctx: Context): Promise<void> {
  const { account, sessionUid } = citizenOf(ctx);
  const displayName = [account.givenName, account.familyName].filter(Boolean).join(' ') || account.email;
  const options = await deps.factors.passkeys.registrationOptions({ id: account.id, email: account.email, displayName }, sessionUid);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = options;
}

export async function submitPasskey(deps: AccountSpaceDeps, ctx: Context): Promise<void> {
  const body = requireCsrf(deps, ctx);
  const { account, sessionUid } = citizenOf(ctx);
  // Read past the 100 characters a name may have: a longer one is refused as such, not shortened.
  const name = textField(body, 'name', FIELD_LIMITS.name);
  // The browser's answer, neither cut nor trimmed: the form's body limit bounds it.
  const response = secretField(body, 'response');
  const outcome = await deps.factors.passkeys.verifyRegistration(account, sessionUid, response, name, originOf(ctx));
  if (!outcome.isAdded) {
    ctx.state.log.info({ event: 'passkey.registration_refused', reason: outcome.reason }, 'passkey.registration_refused');
    refuse(deps, ctx, outcome.reason);
    return;
  }
  ctx.state.log.info({ event: 'passkey.added', accountId: account.id }, 'passkey.added');
  ctx.status = 303;
  ctx.redirect(`${PASSKEY_PATHS.back}?passkey=added`);
}

export async function submitPasskeyRemoval(deps: AccountSpaceDeps, ctx: Context): Promise<void> {
  const body = requireCsrf(deps, ctx);
  const { account } = citizenOf(ctx);
  const id = textField(body, 'id', FIELD_LIMITS.token);
  const isRemoved = await deps.factors.passkeys.remove(account.id, id, originOf(ctx));
  if (!isRemoved) {
    // Still there: it is the account's last way in (no password, no FranceConnect), which the removal keeps.
    const isKept = (await deps.factors.passkeys.list(account.id)).some((passkey) => passkey.id === id);
    if (isKept) ctx.state.log.info({ event: 'passkey.removal_refused', reason: 'last_way_in' }, 'passkey.removal_refused');
    refuse(deps, ctx, isKept ? 'last_way_in' : 'not_found');
    return;
  }
  ctx.state.log.info({ event: 'passkey.removed', accountId: account.id }, 'passkey.removed');
  ctx.status = 303;
  ctx.redirect(`${PASSKEY_PATHS.back}?passkey=removed`);
}
