// What the console's pages share: their dependencies, the signed-in operator (its console session and the
// principal the operators' API would see for it), the sections it may open, the page context and CSRF.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { AdminDeps, InvokeRoute } from '../admin/router.js';
import type { Account } from '../accounts/index.js';
import type { Config } from '../config.js';
import { csrfCheckedForm, formOf, type Csrf, type FormBody } from '../http/index.js';
import type { ConsoleSignIn } from '../oidc/index.js';
import { canHelpCitizens, communesOf, type ConsoleSessions, type Principal } from '../operators/index.js';
import type { ConsoleFrame, ConsoleSection, PageContext, Views } from '../views/index.js';
import { CONSOLE_SECTIONS } from '../views/index.js';

export interface ConsoleDeps {
  /** The operators' API's dependencies: the console reads and changes only through its routes (invoke). */
  admin: AdminDeps;
  invoke: InvokeRoute;
  sessions: ConsoleSessions;
  redeemCode(code: { code: string; verifier: string; redirectUri: string }): Promise<ConsoleSignIn | undefined>;
  views: Views;
  csrf: Csrf;
  config: Pick<Config, 'issuer' | 'console' | 'http' | 'operatorsApi'>;
}

/** The operator behind a console request: its account, the principal the API's rules judge, its session. */
export interface ConsoleOperator {
  account: Account;
  principal: Principal;
  /** Binds CSRF tokens to this session (a digest of its cookie, never the cookie itself). */
  sessionBinding: string;
}

export const CONSOLE_COOKIE = 'glc.console';

export function operatorOf(ctx: Context): ConsoleOperator {
  return ctx.state.consoleOperator as ConsoleOperator;
}

export const bindingOf = (sessionValue: string) => createHash('sha256').update(sessionValue).digest('base64url').slice(0, 22);

/**
 * The sections an operator may open: the help desk for the Métropole and counter agents, the rest for those
 * who manage communes (the same rules as the API's permissions: operators/permissions.ts).
 */
export function sectionsOf(principal: Principal): ConsoleSection[] {
  const manages = communesOf(principal) === 'all' || (communesOf(principal) as string[]).length > 0;
  return CONSOLE_SECTIONS.filter((section) => (section === 'help-desk' ? canHelpCitizens(principal) : manages));
}

/** The language asked in the query or by a form, else the operator's account's, else the browser's. */
export function pageOf(deps: ConsoleDeps, ctx: Context): PageContext {
  const fromForm = formOf(ctx).ui_locales;
  const asked = typeof ctx.query.ui_locales === 'string' ? ctx.query.ui_locales : typeof fromForm === 'string' ? fromForm : undefined;
  const operator = ctx.state.consoleOperator as ConsoleOperator | undefined;
  return { ...deps.views.pageFor(asked ?? operator?.account.locale, ctx.get('accept-language')), isConsole: true };
}

const csrfPurpose = (ctx: Context) => `console:${operatorOf(ctx).sessionBinding}`;

/** The frame of a console page for the signed-in operator, on `section`. */
export function frameOf(deps: ConsoleDeps, ctx: Context, current: ConsoleSection, extra: Partial<ConsoleFrame> = {}): ConsoleFrame {
  const operator = operatorOf(ctx);
  return {
    csrfToken: deps.csrf.token(ctx, csrfPurpose(ctx)),
    operatorLabel: operator.principal.label,
    sections: sectionsOf(operator.principal),
    current,
    ...extra,
  };
}

/** The form posted to a console page, once its CSRF token (bound to the console session) is checked. */
export function requireCsrf(deps: ConsoleDeps, ctx: Context): FormBody {
  return csrfCheckedForm(deps.csrf, ctx, csrfPurpose(ctx));
}
