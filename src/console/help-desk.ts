// The console's help desk, for the Métropole and the counter agents (canHelpCitizens, the rule of the API's
// 'helps-citizens' permission): a citizen's account found by its whole address through the API's
// findAccounts (exact match only, every search audited there), then resend its verification mail, lock it
// with a reason, unlock it, each through its API route. The search is posted, never put in a URL: a
// searched address stays out of the browser's history and of every access log.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { AppError, STATUS_BY_KIND } from '../errors.js';
import { FIELD_LIMITS, sendPage, textField } from '../http/index.js';
import { canHelpCitizens } from '../operators/index.js';
import { consoleHelpDeskPage, type ConsoleHelpDeskView, type HelpDeskAccount } from '../views/index.js';
import { frameOf, operatorOf, pageOf, requireCsrf, type ConsoleDeps } from './context.js';
import { faultOf, type ConsoleMiddleware } from './forms.js';

/** The notices a redirect may ask for, by a fixed key (never text from the query). */
const NOTICES = ['resent', 'already_verified', 'locked', 'unlocked'] as const;
const ACTIONS = { 'verification-mail': 'resendVerificationMail', lock: 'lockAccount', unlock: 'unlockAccount' } as const;
type Action = keyof typeof ACTIONS;
/** What the API keeps of a reason (its schema's maxLength): a longer one is refused there, not cut here. */
const REASON_FIELD_LIMIT = 1000;

/** The page is the help desk's: anyone else (a referent, a syndicate operator) is refused it as the API refuses them. */
function requireHelpDesk(ctx: Context): void {
  if (!canHelpCitizens(operatorOf(ctx).principal)) {
    throw new AppError('forbidden', 'forbidden', 'the help desk is for metropole-admin operators and counter agents');
  }
}

function noticeOf(deps: ConsoleDeps, ctx: Context): string | undefined {
  const done = ctx.query.done;
  return NOTICES.find((key) => key === done) && pageOf(deps, ctx).t(`console.help-desk.done.${String(done)}`);
}

function render(deps: ConsoleDeps, ctx: Context, view: ConsoleHelpDeskView, status?: number): void {
  const errors = view.fault ? [view.fault.message] : undefined;
  sendPage(
    ctx,
    consoleHelpDeskPage(pageOf(deps, ctx), frameOf(deps, ctx, 'help-desk', { notice: noticeOf(deps, ctx), errors }), view).toString(),
    status,
  );
}

/** The account of exactly this address, or null: the API's search, which audits it. */
async function find(deps: ConsoleDeps, ctx: Context, email: string): Promise<HelpDeskAccount | null> {
  const found = (await deps.invoke('findAccounts', ctx, { query: { email } })).body as { items: HelpDeskAccount[] };
  return found.items[0] ?? null;
}

async function search(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const email = textField(requireCsrf(deps, ctx), 'email', FIELD_LIMITS.email);
  requireHelpDesk(ctx);
  if (!email) {
    const message = pageOf(deps, ctx).t('errors.email_invalid');
    render(deps, ctx, { email, fault: { field: 'email', message } }, 400);
    return;
  }
  render(deps, ctx, { email, account: await find(deps, ctx, email) });
}

async function act(deps: ConsoleDeps, ctx: Context, action: Action): Promise<void> {
  const body = requireCsrf(deps, ctx);
  const email = textField(body, 'email', FIELD_LIMITS.email);
  // Not trimmed nor cut into another reason: the API judges the reason as typed.
  const reason = typeof body.reason === 'string' ? body.reason.slice(0, REASON_FIELD_LIMIT) : '';
  let status: number;
  try {
    ({ status } = await deps.invoke(ACTIONS[action], ctx, {
      params: { sub: (ctx.params as { sub: string }).sub },
      // A blank reason is the API's to refuse for a lock; an unlock goes without one.
      body: action === 'lock' || reason.trim() ? { reason } : {},
    }));
  } catch (error) {
    const page = pageOf(deps, ctx);
    // Over the account's hourly quota of verification mails: said on the page, not as an error page.
    const fault =
      error instanceof AppError && error.kind === 'rate_limited' ? { message: page.t(`errors.${error.code}`) } : faultOf(page, error);
    const isMissingReason = error instanceof AppError && error.code === 'reason_required';
    const shown = isMissingReason ? { field: 'reason', message: page.t('console.help-desk.reason_required') } : fault;
    // The account again, as the search shows it (the API's look-up, audited like any other).
    const account = email ? await find(deps, ctx, email) : null;
    render(deps, ctx, { email, account, reason, fault: shown }, STATUS_BY_KIND[(error as AppError).kind]);
    return;
  }
  const done =
    action === 'verification-mail' ? (status === 202 ? 'resent' : 'already_verified') : action === 'lock' ? 'locked' : 'unlocked';
  ctx.status = 303;
  ctx.redirect(`/admin/help-desk?done=${done}`);
}

export function registerHelpDeskPages(router: Router, deps: ConsoleDeps, middleware: ConsoleMiddleware): void {
  router.get('/help-desk', middleware.signedIn, (ctx) => {
    requireHelpDesk(ctx);
    render(deps, ctx, { email: '' });
  });
  router.post('/help-desk', middleware.forms, middleware.signedIn, (ctx) => search(deps, ctx));
  for (const action of Object.keys(ACTIONS) as Action[]) {
    router.post(`/help-desk/accounts/:sub/${action}`, middleware.forms, middleware.signedIn, (ctx) => act(deps, ctx, action));
  }
}
