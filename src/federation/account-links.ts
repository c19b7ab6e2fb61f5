// Which account a FranceConnect identity signs in to. Found by the upstream's sub: that account (its identity as
// received now). Otherwise, when an account has the identity's email, its owner proves it is theirs (its password,
// or the code mailed to it: link-codes.ts) before the two are linked: never a silent link, since whoever controls an
// address at an identity provider would otherwise take the account of that address here. Otherwise a new account is made from the identity, with no
// password of ours, its email verified only if FranceConnect says so (email_verified; a verification mail otherwise).
// Each change is one transaction with its security event: nothing half-created.
import {
  findAccountByEmail,
  findAccountById,
  findFederatedIdentity,
  insertAccount,
  insertFederatedIdentity,
  parseEmail,
  touchFederatedIdentity,
  updateLastLogin,
  type Accounts,
  type Origin,
} from '../accounts/index.js';
import { withTransaction, type Pool } from '../db/index.js';
import type { Locale } from '../locale.js';
import { stringClaim } from './pivot-identity.js';
import type { UpstreamSignIn } from './round-trip-repository.js';

const PROVIDER = 'franceconnect';

export type Resolution =
  | { kind: 'signed_in' | 'created'; accountId: string }
  /** An account has this email: its password first (the link page). */
  | { kind: 'needs_link'; email: string }
  | { kind: 'refused'; reason: 'account_locked' | 'no_email' };

export type LinkOutcome =
  /** The account is proved the citizen's: the link waits for the sign-in's completion (its second factor first). */
  | { kind: 'proved'; accountId: string }
  | { kind: 'linked'; accountId: string }
  | { kind: 'wrong_password' }
  /** The mailed code was not the live one of this interaction, identity and account (link-codes.ts). */
  | { kind: 'wrong_code' }
  | { kind: 'refused'; reason: 'already_linked' };

export interface AccountLinksDeps {
  pool: Pool;
  accounts: Pick<Accounts, 'authenticate' | 'selfService'>;
}

export function createAccountLinks({ pool, accounts }: AccountLinksDeps) {
  const identityOf = (signIn: UpstreamSignIn) =>
    ({
      provider: PROVIDER,
      subject: signIn.subject,
      identity: signIn.identity,
      acr: signIn.acr,
    }) as const;

  /** The link itself, once the account was proved the citizen's; refused when either side is linked already. */
  const linkTo = (signIn: UpstreamSignIn, accountId: string, origin: Origin): Promise<LinkOutcome> =>
    withTransaction(pool, async (tx): Promise<LinkOutcome> => {
      const linked = await insertFederatedIdentity(tx, { ...identityOf(signIn), accountId });
      if (!linked) return { kind: 'refused', reason: 'already_linked' };
      await accounts.selfService.recordEvent(accountId, 'franceconnect_linked', origin, tx);
      return { kind: 'linked', accountId };
    });

  return {
    /** The account of this identity, a new one made from it, or what stands in the way. */
    async resolve(signIn: UpstreamSignIn, context: { locale: Locale; clientId: string | undefined; origin: Origin }): Promise<Resolution> {
      return withTransaction(pool, async (tx): Promise<Resolution> => {
        const known = await findFederatedIdentity(tx, PROVIDER, signIn.subject);
        if (known) {
          const account = await findAccountById(tx, known.accountId);
          if (!account || account.lockedAt) return { kind: 'refused', reason: 'account_locked' };
          await touchFederatedIdentity(tx, PROVIDER, signIn.subject, signIn.identity, signIn.acr);
          await updateLastLogin(tx, account.id);
          await accounts.selfService.recordEvent(account.id, 'login', context.origin, tx);
          return { kind: 'signed_in', accountId: account.id };
        }
        const email = parseEmail(stringClaim(signIn.identity, 'email') ?? '');
        if (email === undefined) return { kind: 'refused', reason: 'no_email' };
        if (await findAccountByEmail(tx, email)) return { kind: 'needs_link', email };
        const created = await insertAccount(tx, {
          email,
          emailVerified: signIn.identity.email_verified === true,
          passwordHash: undefined,
          givenName: stringClaim(signIn.identity, 'given_name'),
          familyName: stringClaim(signIn.identity, 'family_name'),
          locale: context.locale,
          registeredViaClient: context.clientId,
        });
        // The address was taken between the look-up and the insert: its owner proves it, as above.
        if (!created) return { kind: 'needs_link', email };
        const linked = await insertFederatedIdentity(tx, { ...identityOf(signIn), accountId: created.id });
        if (!linked) throw new Error('account-links: a new account could not hold its FranceConnect link');
        await accounts.selfService.recordEvent(created.id, 'account_created', context.origin, tx);
        await updateLastLogin(tx, created.id);
        if (!created.emailVerified) await accounts.selfService.sendVerification(created, { db: tx });
        return { kind: 'created', accountId: created.id };
      });
    },

    /**
     * The owner of the account of `email` typed its password: the account is proved, the link not yet written
     * (linkTo, once the sign-in completes). A wrong password proves nothing (accounts.authenticate records the failure).
     */
    async prove(email: string, password: string, origin: Origin): Promise<LinkOutcome> {
      const account = await accounts.authenticate(email, password, origin);
      return account ? { kind: 'proved', accountId: account.id } : { kind: 'wrong_password' };
    },

    /**
     * The sign-in of a proved account completed (its second factor too, when it has one): the identity is linked to
     * it; refused when either side is linked already.
     */
    linkTo,
  };
}

export type AccountLinks = ReturnType<typeof createAccountLinks>;
