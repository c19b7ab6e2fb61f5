// The code mailed before a FranceConnect link, for the owner of the account of FranceConnect's email who would
// rather not (or cannot: an account with no password of ours) type a password. Eight digits from the CSPRNG, kept
// only as a keyed digest that names the interaction and the account as well, bound to the upstream identity waiting
// in that interaction, alive ten minutes, spent by its one right answer and dead after five wrong ones: with the
// limiter's few tries an hour above it, guessing one of 10^8 codes is hopeless. The mail is erased from the outbox
// once sent, and the code is never logged.
import { randomInt } from 'node:crypto';
import { findAccountByEmail, type AccountNotifier } from '../accounts/index.js';
import { withTransaction, type Pool } from '../db/index.js';
import type { Sealer } from '../sealing.js';
import type { LinkOutcome } from './account-links.js';
import { countLinkCodeFailure, putLinkCode, spendLinkCode, type LinkCodeBinding } from './link-code-repository.js';
import type { UpstreamSignIn } from './round-trip-repository.js';

export const LINK_CODE_DIGITS = 8;
export const LINK_CODE_TTL_SECONDS = 600;
const MAX_FAILURES = 5;

export interface LinkCodesDeps {
  pool: Pool;
  sealer: Pick<Sealer, 'digest'>;
  notify: AccountNotifier | undefined;
}

/** What the citizen typed, as the code's digits (spaces and dashes dropped), or undefined when it cannot be one. */
function digitsOf(typed: string): string | undefined {
  const digits = typed.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${LINK_CODE_DIGITS}}$`).test(digits) ? digits : undefined;
}

export function createLinkCodes({ pool, sealer, notify }: LinkCodesDeps) {
  const digest = (binding: LinkCodeBinding, code: string) =>
    sealer.digest(`franceconnect-link:${binding.interactionUid}:${binding.accountId}:${code}`);

  /** The binding of a code for this interaction's identity: the account of its email, when one exists. */
  async function bindingOf(interactionUid: string, signIn: UpstreamSignIn, email: string) {
    const account = await findAccountByEmail(pool, email);
    return account && { binding: { interactionUid, subject: signIn.subject, accountId: account.id }, account };
  }

  return {
    /** Mails a fresh code to the account of `email` (replacing the interaction's earlier one); false when none may have one. */
    async send(interactionUid: string, signIn: UpstreamSignIn, email: string): Promise<boolean> {
      const found = await bindingOf(interactionUid, signIn, email);
      if (!found || found.account.lockedAt) return false;
      const code = String(randomInt(0, 10 ** LINK_CODE_DIGITS)).padStart(LINK_CODE_DIGITS, '0');
      await withTransaction(pool, async (tx) => {
        await putLinkCode(tx, found.binding, digest(found.binding, code), LINK_CODE_TTL_SECONDS);
        await notify?.(
          {
            kind: 'franceconnect-link-code',
            to: found.account.email,
            locale: found.account.locale,
            accountId: found.account.id,
            vars: { code, minutes: String(LINK_CODE_TTL_SECONDS / 60) },
            eraseOnceSent: true,
          },
          tx,
        );
      });
      return true;
    },

    /** The typed code, checked against the live one of this interaction, identity and account: the account proved. */
    async prove(interactionUid: string, signIn: UpstreamSignIn, email: string, typed: string): Promise<LinkOutcome> {
      const found = await bindingOf(interactionUid, signIn, email);
      const code = digitsOf(typed);
      const isSpent =
        found !== undefined && code !== undefined && (await spendLinkCode(pool, found.binding, digest(found.binding, code), MAX_FAILURES));
      if (!found || !isSpent) {
        await countLinkCodeFailure(pool, interactionUid);
        return { kind: 'wrong_code' };
      }
      if (found.account.lockedAt) return { kind: 'wrong_code' };
      return { kind: 'proved', accountId: found.account.id };
    },
  };
}

export type LinkCodes = ReturnType<typeof createLinkCodes>;
