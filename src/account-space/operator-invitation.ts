// /operators/invitations?token=…: the page of the link an operator invitation mails. Opening it only shows
// a button (mail scanners open links too); accepting takes the account space's session of a verified
// account of the invited address, and uses the link up. The token rides in the query, not the path: the
// request log records paths.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import { FIELD_LIMITS, queryField, sendPage, textField } from '../http/index.js';
import { maskEmail } from '../log.js';
import type { InvitationRecord, Operators } from '../operators/index.js';
import { confirmLinkPage, messagePage, type PageContext } from '../views/index.js';
import { csrfToken, findCitizen, pageOf, requireCsrf, type AccountSpaceDeps, type Citizen } from './context.js';

export interface InvitationPageDeps extends AccountSpaceDeps {
  invitations: Pick<Operators, 'findInvitation' | 'acceptInvitation'>;
}

const ACTION = '/operators/invitations';

/** The status and title of each refusal; its text is the error code's message. */
const REFUSALS = {
  invitation_not_found: { status: 404, title: 'invitation.not_found_title' },
  invitation_expired: { status: 410, title: 'invitation.expired_title' },
  invitation_used: { status: 410, title: 'invitation.used_title' },
  invitation_wrong_account: { status: 403, title: 'invitation.title' },
  invitation_unverified: { status: 403, title: 'invitation.title' },
} satisfies Record<string, { status: number; title: string }>;
type Refusal = keyof typeof REFUSALS;
const isRefusal = (code: string): code is Refusal => Object.hasOwn(REFUSALS, code);

async function describe(deps: InvitationPageDeps, page: PageContext, invitation: InvitationRecord) {
  const names = new Map((await deps.registry.listCommunes()).map((c) => [c.slug, c.name]));
  const communes = invitation.communes.map((slug) => names.get(slug) ?? slug);
  return {
    role: page.t(`invitation.roles.${invitation.role}`),
    communes: communes.length ? communes.join(', ') : page.t('invitation.all_communes'),
  };
}

function refuse(ctx: Context, page: PageContext, code: Refusal, vars: Record<string, string>, link?: { href: string; label: string }) {
  const refusal = REFUSALS[code];
  sendPage(ctx, messagePage(page, page.t(refusal.title), page.t(`errors.${code}`, vars), link).toString(), refusal.status);
}

/** The refusal for this citizen, if the invitation is not theirs to accept (the domain checks it again). */
function refusalFor(citizen: Citizen, invitation: InvitationRecord): Refusal | undefined {
  if (citizen.account.email.toLowerCase() !== invitation.email) return 'invitation_wrong_account';
  return citizen.account.emailVerified ? undefined : 'invitation_unverified';
}

function refusalLink(page: PageContext, code: Refusal) {
  if (code === 'invitation_wrong_account') return { href: '/account/logout', label: page.t('invitation.logout_link') };
  if (code === 'invitation_unverified') return { href: '/account', label: page.t('invitation.account_link') };
  return undefined;
}

async function show(deps: InvitationPageDeps, ctx: Context) {
  const page = pageOf(deps, ctx);
  const token = queryField(ctx, 'token', FIELD_LIMITS.token);
  const found = await deps.invitations.findInvitation(token);
  if (!found) {
    refuse(ctx, page, 'invitation_not_found', {});
    return;
  }
  if (found.state !== 'pending') {
    refuse(ctx, page, found.state === 'expired' ? 'invitation_expired' : 'invitation_used', {});
    return;
  }
  const intro = page.t('invitation.intro', await describe(deps, page, found.invitation));
  const citizen = await findCitizen(deps, ctx);
  if (!citizen) {
    const signIn = { href: `/account/login?ui_locales=${page.locale}`, label: page.t('invitation.sign_in_link') };
    sendPage(ctx, messagePage(page, page.t('invitation.title'), `${intro} ${page.t('invitation.sign_in')}`, signIn).toString());
    return;
  }
  ctx.state.citizen = citizen;
  const refusal = refusalFor(citizen, found.invitation);
  const vars = { email: maskEmail(found.invitation.email), current: citizen.account.email };
  if (refusal) {
    refuse(ctx, page, refusal, vars, refusalLink(page, refusal));
    return;
  }
  sendPage(
    ctx,
    confirmLinkPage(page, {
      title: page.t('invitation.title'),
      text: `${intro} ${page.t('invitation.confirm', { email: citizen.account.email })}`,
      button: page.t('invitation.button'),
      action: ACTION,
      token,
      csrfToken: csrfToken(deps, ctx),
    }).toString(),
  );
}

async function accept(deps: InvitationPageDeps, ctx: Context) {
  const citizen = await findCitizen(deps, ctx);
  if (citizen) ctx.state.citizen = citizen;
  const body = requireCsrf(deps, ctx);
  const page = pageOf(deps, ctx);
  const token = textField(body, 'token', FIELD_LIMITS.token);
  if (!citizen) {
    // The session ended since the page was shown: the same page again, which asks to sign in.
    ctx.redirect(`${ACTION}?${new URLSearchParams({ token, ui_locales: page.locale }).toString()}`);
    return;
  }
  try {
    const { invitation } = await deps.invitations.acceptInvitation(token, citizen.account.id, ctx.ip);
    const link = { href: '/account', label: page.t('invitation.account_link') };
    sendPage(
      ctx,
      messagePage(
        page,
        page.t('invitation.accepted_title'),
        page.t('invitation.accepted', await describe(deps, page, invitation)),
        link,
      ).toString(),
    );
  } catch (error) {
    if (!(error instanceof AppError) || !isRefusal(error.code)) throw error;
    const found = await deps.invitations.findInvitation(token);
    const vars = { email: found ? maskEmail(found.invitation.email) : '', current: citizen.account.email };
    refuse(ctx, page, error.code, vars, refusalLink(page, error.code));
  }
}

export function createInvitationRouter(deps: InvitationPageDeps): Router {
  const router = new Router({ prefix: ACTION });
  const forms = bodyParser({ enableTypes: ['form'], formLimit: deps.config.http.formBodyLimitBytes });
  router.get('/', (ctx) => show(deps, ctx));
  router.post('/', forms, (ctx) => accept(deps, ctx));
  return router;
}
