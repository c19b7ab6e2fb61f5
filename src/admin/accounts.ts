// /accounts (metropole-admin only): find an account by email, see its status, lock or unlock it.
// Minimal fields: an operator sees no profile, only what the support of an account needs.
import type Router from '@koa/router';
import type { Account } from '../accounts/index.js';
import { invalid, notFound } from '../errors.js';
import { paginate, principalOf, requireMetropoleAdmin, type AdminDeps } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function accountJson(account: Account) {
  return {
    sub: account.id, email: account.email, email_verified: account.emailVerified, locked: account.lockedAt !== undefined,
    created_at: account.createdAt.toISOString(), last_login_at: account.lastLoginAt?.toISOString() ?? null,
  };
}

export function accountRoutes(router: Router, deps: AdminDeps): void {
  router.get('/accounts', async (ctx) => {
    requireMetropoleAdmin(ctx);
    const email = typeof ctx.query.email === 'string' ? ctx.query.email : '';
    if (!email) throw invalid('invalid_request', 'email: the address to look for', { field: 'email' });
    const account = await deps.accounts.findByEmail(email);
    ctx.body = paginate(ctx, account ? [accountJson(account)] : []);
  });

  for (const [path, isLocked] of [['lock', true], ['unlock', false]] as const) {
    router.post(`/accounts/:sub/${path}`, async (ctx) => {
      requireMetropoleAdmin(ctx);
      // A sub that is not even a UUID names no account (and must not reach the uuid column).
      if (!UUID.test(ctx.params.sub!)) throw notFound('account_not_found', 'no such account');
      const { actor, label } = principalOf(ctx);
      const account = await deps.changes.setLocked({ actor, label, origin: ctx.ip }, ctx.params.sub!, isLocked);
      ctx.body = accountJson(account);
    });
  }
}
