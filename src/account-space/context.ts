// What the account pages share: their dependencies, the signed-in citizen (from the provider's own
// session cookie), the page context and CSRF.
import type { Context, Next } from 'koa';
import type { Account, Accounts } from '../accounts/index.js';
import type { Factors } from '../accounts/index.js';
import type { Config } from '../config.js';
import type { FranceConnect } from '../federation/index.js';
import { csrfCheckedForm, formOf, type Csrf, type FormBody, type RateLimiter } from '../http/index.js';
import { SESSION_COOKIE, type CitizenSessions } from '../oidc/index.js';
import type { Communes } from '../registry/index.js';
import type { AccountChanges, CounterRecovery } from '../services/index.js';
import type { CommuneFace, PageContext, Views } from '../views/index.js';

export interface AccountSpaceDeps {
  accounts: Accounts;
  factors: Factors;
  /** The changes that also end sessions and tokens (password, deletion, a site revoked). */
  changes: Pick<
    AccountChanges,
    'changePassword' | 'deleteAccount' | 'closeAccount' | 'resetPassword' | 'revokeService' | 'resendVerification'
  >;
  /** FranceConnect when configured: an account with no password confirms its deletion there. */
  franceConnect?: Pick<FranceConnect, 'beginReauthentication' | 'takeReauthentication'> | undefined;
  citizen: CitizenSessions;
  /** Recovery with a code handed over at a town hall's counter (/account/recover). */
  counterRecovery: Pick<CounterRecovery, 'recoverAtCounter'>;
  registry: Pick<Communes, 'listCommunes'>;
  views: Views;
  csrf: Csrf;
  rateLimiter: RateLimiter;
  /** The face of a site the citizen came from, by its client_id; undefined for a client nobody registered. */
  faceOfClient: (clientId: string) => Promise<CommuneFace | undefined>;
  config: Pick<Config, 'issuer' | 'passwordPolicy' | 'selfService' | 'retention' | 'rateLimits' | 'http' | 'accountHistory'>;
}

export interface Citizen {
  account: Account;
  sessionUid: string;
}

export async function findCitizen(deps: AccountSpaceDeps, ctx: Context): Promise<Citizen | undefined> {
  const sessionId = ctx.cookies.get(SESSION_COOKIE, { signed: true });
  if (!sessionId) return undefined;
  const session = await deps.citizen.findSession(sessionId);
  if (!session) return undefined;
  const account = await deps.accounts.findById(session.accountId);
  return account ? { account, sessionUid: session.uid } : undefined;
}

/** Pages that need a signed-in citizen send the others through the provider's login first. */
export function requireCitizen(deps: AccountSpaceDeps) {
  return async (ctx: Context, next: Next) => {
    const citizen = await findCitizen(deps, ctx);
    if (!citizen) {
      ctx.redirect(`/account/login${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    ctx.state.citizen = citizen;
    await next();
  };
}

export function citizenOf(ctx: Context): Citizen {
  return ctx.state.citizen as Citizen;
}

/** The language asked in the query, or carried by a form of a page seen before signing in, else the account's. */
export function pageOf(deps: AccountSpaceDeps, ctx: Context): PageContext {
  const fromForm = formOf(ctx).ui_locales;
  const uiLocales =
    typeof ctx.query.ui_locales === 'string'
      ? ctx.query.ui_locales
      : typeof fromForm === 'string'
        ? fromForm
        : (ctx.state.citizen as Citizen | undefined)?.account.locale;
  return deps.views.pageFor(uiLocales, ctx.get('accept-language'));
}

export function csrfPurpose(ctx: Context): string {
  const citizen = ctx.state.citizen as Citizen | undefined;
  return citizen ? `account:${citizen.sessionUid}` : 'account:public';
}

export function csrfToken(deps: AccountSpaceDeps, ctx: Context): string {
  return deps.csrf.token(ctx, csrfPurpose(ctx));
}

/** The form posted to an account page, once its CSRF token (bound to the citizen's session) is checked. */
export function requireCsrf(deps: AccountSpaceDeps, ctx: Context): FormBody {
  return csrfCheckedForm(deps.csrf, ctx, csrfPurpose(ctx));
}

export function originOf(ctx: Context) {
  return { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined };
}
