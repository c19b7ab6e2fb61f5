// Signing in to the console: an authorization request of the console's own client (code flow, PKCE, state,
// two factors, max_age of the idle timeout so that an idle console asks the factors again), its code redeemed
// in this process, and a console session for an operator only. Its sign-out ends the console session and
// then the provider's, so that nobody at the same computer is signed in again without the factors.
import { randomBytes, createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ACR_2FA, satisfies } from '../accounts/index.js';
import { sendPage } from '../http/index.js';
import { CONSOLE_CLIENT_ID } from '../oidc/index.js';
import { consoleMessagePage } from '../views/index.js';
import { bindingOf, CONSOLE_COOKIE, pageOf, requireCsrf, type ConsoleDeps } from './context.js';

const FLOW_COOKIE = 'glc.console-flow';
/** As long as a sign-in may take (the provider's interaction lives as long). */
const FLOW_SECONDS = 3600;

interface Flow {
  state: string;
  verifier: string;
  returnTo: string;
}

const cookieOptions = (deps: ConsoleDeps) => ({
  httpOnly: true,
  path: '/admin',
  secure: deps.config.issuer.startsWith('https:'),
  overwrite: true,
});

/** A console page to come back to after signing in: a path under /admin on this origin, nothing else. */
export function consoleReturnPath(issuer: string, asked: unknown): string {
  if (typeof asked !== 'string' || !asked.startsWith('/admin') || asked.length > 2000) return '/admin';
  const url = new URL(asked, issuer);
  const isConsolePath = /^\/admin(\/|$)/.test(url.pathname) && !url.pathname.startsWith('/admin/api/');
  return url.origin === new URL(issuer).origin && isConsolePath ? `${url.pathname}${url.search}` : '/admin';
}

function readFlow(ctx: Context): Flow | undefined {
  const raw = ctx.cookies.get(FLOW_COOKIE, { signed: true });
  if (!raw) return undefined;
  try {
    const flow = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Flow>;
    return typeof flow.state === 'string' && typeof flow.verifier === 'string' && typeof flow.returnTo === 'string'
      ? (flow as Flow)
      : undefined;
  } catch {
    return undefined;
  }
}

function refuse(deps: ConsoleDeps, ctx: Context, reason: 'failed' | 'no_role', status: number): void {
  const page = pageOf(deps, ctx);
  const link =
    reason === 'failed'
      ? { href: '/admin/login', label: page.t('console.sign_in.retry') }
      : { href: '/account/logout', label: page.t('console.sign_in.sign_out') };
  sendPage(
    ctx,
    consoleMessagePage(page, page.t(`console.sign_in.${reason}_title`), page.t(`console.sign_in.${reason}`), link).toString(),
    status,
  );
}

export function startSignIn(deps: ConsoleDeps, ctx: Context): void {
  const flow: Flow = {
    state: randomBytes(16).toString('base64url'),
    verifier: randomBytes(32).toString('base64url'),
    returnTo: consoleReturnPath(deps.config.issuer, ctx.query.return),
  };
  ctx.cookies.set(FLOW_COOKIE, Buffer.from(JSON.stringify(flow)).toString('base64url'), {
    ...cookieOptions(deps),
    signed: true,
    sameSite: 'lax',
    maxAge: FLOW_SECONDS * 1000,
  });
  const params = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: `${deps.config.issuer}/admin/signed-in`,
    state: flow.state,
    code_challenge: createHash('sha256').update(flow.verifier).digest('base64url'),
    code_challenge_method: 'S256',
    max_age: String(deps.config.console.idleTimeoutSeconds),
    ui_locales: pageOf(deps, ctx).locale,
  });
  ctx.redirect(`/auth?${params.toString()}`);
}

export async function finishSignIn(deps: ConsoleDeps, ctx: Context): Promise<void> {
  const flow = readFlow(ctx);
  ctx.cookies.set(FLOW_COOKIE, null, cookieOptions(deps));
  const { code, state } = ctx.query;
  if (!flow || typeof code !== 'string' || typeof state !== 'string' || state !== flow.state) {
    refuse(deps, ctx, 'failed', 400);
    return;
  }
  const signIn = await deps.redeemCode({ code, verifier: flow.verifier, redirectUri: `${deps.config.issuer}/admin/signed-in` });
  // The client's minimum asks two factors of every console sign-in; a code without them is refused here too.
  if (!signIn || !satisfies(signIn.acr, ACR_2FA)) {
    refuse(deps, ctx, 'failed', 400);
    return;
  }
  const account = await deps.admin.accounts.findById(signIn.accountId);
  const principal = account && !account.lockedAt && (await deps.admin.operators.principalFor({ accountId: account.id }, account.email));
  if (!principal) {
    refuse(deps, ctx, 'no_role', 403);
    return;
  }
  const session = await deps.sessions.open(signIn.accountId);
  ctx.cookies.set(CONSOLE_COOKIE, session, { ...cookieOptions(deps), sameSite: 'strict' });
  ctx.redirect(flow.returnTo);
}

/** Console pages need a live console session of an account that is still an operator; others sign in first. */
export function requireOperator(deps: ConsoleDeps) {
  return async (ctx: Context, next: Next) => {
    const value = ctx.cookies.get(CONSOLE_COOKIE);
    const accountId = value ? await deps.sessions.find(value) : undefined;
    const account = accountId ? await deps.admin.accounts.findById(accountId) : undefined;
    if (!value || !account || account.lockedAt) {
      ctx.status = 303;
      ctx.redirect(`/admin/login?${new URLSearchParams({ return: ctx.method === 'GET' ? ctx.url : '/admin' }).toString()}`);
      return;
    }
    const principal = await deps.admin.operators.principalFor({ accountId: account.id }, account.email);
    if (!principal) {
      await deps.sessions.end(value);
      refuse(deps, ctx, 'no_role', 403);
      return;
    }
    // The API's handlers read the principal here (admin/context.ts), as the API's authentication leaves it.
    ctx.state.principal = principal;
    ctx.state.consoleOperator = { account, principal, sessionBinding: bindingOf(value) };
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
}

export async function signOut(deps: ConsoleDeps, ctx: Context): Promise<void> {
  requireCsrf(deps, ctx);
  const value = ctx.cookies.get(CONSOLE_COOKIE);
  if (value) await deps.sessions.end(value);
  ctx.cookies.set(CONSOLE_COOKIE, null, cookieOptions(deps));
  const params = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID,
    post_logout_redirect_uri: `${deps.config.issuer}/admin/signed-out`,
    ui_locales: pageOf(deps, ctx).locale,
  });
  ctx.status = 303;
  ctx.redirect(`/session/end?${params.toString()}`);
}

export function showSignedOut(deps: ConsoleDeps, ctx: Context): void {
  const page = pageOf(deps, ctx);
  sendPage(
    ctx,
    consoleMessagePage(page, page.t('console.signed_out_title'), page.t('console.signed_out'), {
      href: '/admin/login',
      label: page.t('console.sign_in.again'),
    }).toString(),
  );
}
