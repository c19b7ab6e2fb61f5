// /accounts (metropole-admin only): find an account by email, see its status, lock or unlock it.
// Minimal fields: an operator sees no profile, only what the support of an account needs.
import type { Static } from 'typebox';
import { Type } from 'typebox';
import type { Account as AccountRecord } from '../accounts/index.js';
import { notFound } from '../errors.js';
import { actorOf, paginate, type ApiPolicy } from './context.js';
import { ok, route } from './route.js';
import { Account, Page, pagingQuery } from './schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function accountJson(account: AccountRecord): Static<typeof Account> {
  return {
    sub: account.id,
    email: account.email,
    email_verified: account.emailVerified,
    locked: account.lockedAt !== undefined,
    created_at: account.createdAt.toISOString(),
    last_login_at: account.lastLoginAt?.toISOString() ?? null,
  };
}

const lockRoute = (action: 'lock' | 'unlock') =>
  route({
    method: 'POST',
    path: `/accounts/{sub}/${action}`,
    operationId: `${action}Account`,
    tag: 'accounts',
    permission: 'metropole-admin',
    summary: action === 'lock' ? 'Lock an account' : 'Unlock an account',
    description:
      action === 'lock'
        ? 'No sign-in any more; every session and token of the account is revoked once the lock is committed (audited).'
        : 'The citizen may sign in again (audited).',
    // Any string: one that is not a UUID names no account (404), as an unknown UUID does.
    params: Type.Object({ sub: Type.String({ description: "The account's sub (a UUID)" }) }),
    answers: { 200: { description: action === 'lock' ? 'Locked: no sign-in, sessions revoked' : 'Unlocked', schema: Account } },
    refusals: { 404: 'No such account' },
    async handle({ params, deps, ctx }) {
      // A sub that is not even a UUID must not reach the uuid column.
      if (!UUID.test(params.sub)) throw notFound('account_not_found', 'no such account');
      return ok(accountJson(await deps.changes.setLocked(actorOf(ctx), params.sub, action === 'lock')));
    },
  });

export const accountRoutes = ({ pageSize }: ApiPolicy) => [
  route({
    method: 'GET',
    path: '/accounts',
    operationId: 'findAccounts',
    tag: 'accounts',
    permission: 'metropole-admin',
    summary: 'Find an account by email',
    description: 'The account holding this address, if any, as a page of at most one.',
    query: Type.Object({ email: Type.String({ minLength: 1, description: 'The address to look for' }), ...pagingQuery(pageSize) }),
    answers: { 200: { description: 'The account with this email, if any (metropole-admin only)', schema: Page(Account) } },
    async handle({ query, deps }) {
      const account = await deps.accounts.findByEmail(query.email);
      return ok(paginate(account ? [accountJson(account)] : [], query));
    },
  }),
  lockRoute('lock'),
  lockRoute('unlock'),
];
