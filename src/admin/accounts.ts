// /accounts: the help desk (metropole-admin operators and counter agents: canHelpCitizens). Find an account by
// its exact address, see its status, resend its verification mail, lock or unlock it with a reason.
// Minimal fields: an operator sees no profile, only what the support of an account needs. No browsing: the
// search takes one whole address and answers at most that account; every search writes an audit row
// ('account.looked_up': the actor, the address masked as the logs mask it, and the account's sub when one
// was found), so that who looked whom up is known without the log ever holding a searched address in full.
import type { Static } from 'typebox';
import { Type } from 'typebox';
import { parseEmail, type Account as AccountRecord } from '../accounts/index.js';
import { invalid, notFound } from '../errors.js';
import { maskEmail } from '../log.js';
import { actorOf, audited, paginate, type ApiPolicy } from './context.js';
import { accepted, ok, route } from './route.js';
import { Account, Page, pagingQuery } from './schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A reason is a sentence for the audit, not a document. */
const REASON_MAX_LENGTH = 500;

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

/** A sub that is not even a UUID must not reach the uuid column: it names no account (404), as an unknown UUID does. */
function requireSub(sub: string): string {
  if (!UUID.test(sub)) throw notFound('account_not_found', 'no such account');
  return sub;
}

const Reason = Type.String({ maxLength: REASON_MAX_LENGTH, description: 'Why, for the audit log (kept in its row)' });

const lockRoute = (action: 'lock' | 'unlock') =>
  route({
    method: 'POST',
    path: `/accounts/{sub}/${action}`,
    operationId: `${action}Account`,
    tag: 'accounts',
    permission: 'helps-citizens',
    summary: action === 'lock' ? 'Lock an account' : 'Unlock an account',
    description:
      action === 'lock'
        ? 'No sign-in any more; every session and token of the account is revoked once the lock is committed (audited with its reason, which is required).'
        : 'The citizen may sign in again (audited, with the reason if one is given).',
    // Any string: one that is not a UUID names no account (404), as an unknown UUID does.
    params: Type.Object({ sub: Type.String({ description: "The account's sub (a UUID)" }) }),
    body: Type.Object({ reason: action === 'lock' ? Reason : Type.Optional(Reason) }),
    example: { reason: action === 'lock' ? 'Signalement de fraude, ticket 4512' : 'Identité vérifiée au guichet' },
    answers: { 200: { description: action === 'lock' ? 'Locked: no sign-in, sessions revoked' : 'Unlocked', schema: Account } },
    refusals: { 404: 'No such account' },
    async handle({ params, body, deps, ctx }) {
      const sub = requireSub(params.sub);
      // The lock's schema requires the reason, the unlock's does not: one handler reads both.
      const reason = ((body as { reason?: string }).reason ?? '').trim();
      // Blank is no reason: the audit must say why a citizen was shut out.
      if (action === 'lock' && !reason) throw invalid('reason_required', 'reason: required to lock an account', { field: 'reason' });
      return ok(accountJson(await deps.changes.setLocked(actorOf(ctx), sub, action === 'lock', reason || undefined)));
    },
  });

/**
 * The resend's refusals: beyond the account's hourly quota it answers 429 with Retry-After. (route.ts's
 * `refusals` type names only 404 and 409; openapi.ts documents every status given, so the object is passed whole.)
 */
const RESEND_REFUSALS = { 404: 'No such account', 429: 'Too many verification mails for this account this hour (Retry-After says when)' };

export const accountRoutes = ({ pageSize }: ApiPolicy) => [
  route({
    method: 'GET',
    path: '/accounts',
    operationId: 'findAccounts',
    tag: 'accounts',
    permission: 'helps-citizens',
    summary: 'Find an account by email',
    description:
      'The account holding exactly this address, if any, as a page of at most one: no partial match, no listing. Every search is audited (account.looked_up: the address masked, the sub when found).',
    query: Type.Object({
      email: Type.String({ minLength: 1, maxLength: 320, description: 'The whole address to look for' }),
      ...pagingQuery(pageSize),
    }),
    answers: { 200: { description: 'The account with this email, if any', schema: Page(Account) } },
    async handle({ query, deps, ctx }) {
      const account = await audited(deps, ctx, async () => {
        const found = await deps.accounts.findByEmail(query.email);
        return {
          result: found,
          audit: {
            action: 'account.looked_up',
            target: found ? `account:${found.id}` : undefined,
            after: { email: maskEmail(found?.email ?? parseEmail(query.email) ?? query.email), found: found !== undefined },
          },
        };
      });
      return ok(paginate(account ? [accountJson(account)] : [], query));
    },
  }),
  route({
    method: 'POST',
    path: '/accounts/{sub}/verification-mail',
    operationId: 'resendVerificationMail',
    tag: 'accounts',
    permission: 'helps-citizens',
    summary: 'Resend the verification mail',
    description:
      "Mails a new verification link to the account's unverified address (audited), within the same hourly quota as the citizen's own requests from their account (429 beyond it). An address already verified is sent nothing (200).",
    params: Type.Object({ sub: Type.String({ description: "The account's sub (a UUID)" }) }),
    answers: {
      200: { description: 'The address is already verified: nothing sent', schema: Account },
      202: { description: 'A verification mail is queued for the address', schema: Account },
    },
    refusals: RESEND_REFUSALS,
    async handle({ params, deps, ctx }) {
      const { account, isSent } = await deps.changes.resendVerification(requireSub(params.sub), actorOf(ctx));
      return isSent ? accepted(accountJson(account)) : ok(accountJson(account));
    },
  }),
  lockRoute('lock'),
  lockRoute('unlock'),
];
