// The link mailed at registration: /interaction/:uid/verify?token=… Opening it only shows a button (mail
// scanners open links too); the button verifies the address and, in the browser whose authorization flow
// registered it (the provider's interaction cookie is scoped to /interaction/:uid), signs the new account
// in and lets that flow go on. In any other browser, or once the flow expired, the address is verified and
// the citizen is sent back to the site to sign in: the link alone never opens a session.
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import { FIELD_LIMITS, formOf, sendPage, textField } from '../http/index.js';
import { confirmLinkPage, messagePage, type PageContext } from '../views/index.js';
import { pathUid, requireCsrf, type Interaction, type InteractionDeps } from './context.js';
import { pageContextOf } from './pages.js';
import { signInProved } from './sign-in.js';

export const VERIFY_STEP = 'verify';

/** The flow this browser has in progress at this uid, if it is still waiting for a login. */
async function waitingFlow(deps: InteractionDeps, ctx: Context): Promise<Interaction | undefined> {
  try {
    const interaction = await deps.provider().interactionDetails(ctx.req, ctx.res);
    return interaction.uid === pathUid(ctx) && interaction.prompt.name === 'login' ? interaction : undefined;
  } catch {
    return undefined;
  }
}

function pageOf(deps: InteractionDeps, ctx: Context): PageContext {
  return pageContextOf(deps.views, ctx, textField(formOf(ctx), 'ui_locales') || undefined);
}

function sendInvalidLink(deps: InteractionDeps, ctx: Context): void {
  const page = pageOf(deps, ctx);
  sendPage(ctx, messagePage(page, page.t('account.link_invalid_title'), page.t('errors.link_invalid')).toString(), 400);
}

export async function showVerifyLink(deps: InteractionDeps, ctx: Context): Promise<void> {
  const token = textField(ctx.query, 'token', FIELD_LIMITS.token);
  if (!(await deps.accounts.selfService.isLinkUsable(token, 'verify-email'))) {
    sendInvalidLink(deps, ctx);
    return;
  }
  const page = pageOf(deps, ctx);
  sendPage(
    ctx,
    confirmLinkPage(page, {
      title: page.t('account.email.verify_title'),
      text: page.t('account.email.verify'),
      button: page.t('account.email.verify_button'),
      action: `/interaction/${pathUid(ctx)}/${VERIFY_STEP}`,
      token,
      csrfToken: deps.csrf.token(ctx, `interaction:${pathUid(ctx)}`),
    }).toString(),
  );
}

export async function submitVerifyLink(deps: InteractionDeps, ctx: Context): Promise<void> {
  const body = requireCsrf(deps, ctx, pathUid(ctx));
  let accountId: string;
  try {
    accountId = (
      await deps.accounts.selfService.verifyEmail(textField(body, 'token', FIELD_LIMITS.token), {
        ip: ctx.ip,
        userAgent: ctx.get('user-agent') || undefined,
      })
    ).id;
  } catch (error) {
    if (error instanceof AppError && error.code === 'link_invalid') {
      sendInvalidLink(deps, ctx);
      return;
    }
    throw error;
  }
  const flow = await waitingFlow(deps, ctx);
  if (flow) {
    // The password was typed in this flow, at registration: one factor, and the site's level decides the rest.
    await signInProved(deps, ctx, flow, accountId, ['password']);
    return;
  }
  const page = pageOf(deps, ctx);
  sendPage(
    ctx,
    messagePage(page, page.t('account.email.verify_title'), page.t('register.verified_elsewhere'), {
      href: '/account',
      label: page.t('account.title'),
    }).toString(),
  );
}
