// Where a sign-in stands after each proof: finished, when what was proved meets what the site asked and
// what the account demands (an account with a second factor always asks for it after a password), or on
// to the second-factor step, the proofs so far kept with the interaction. A session already signed in
// whose only shortfall is its level (step-up) goes straight to the second factor: the password is not
// asked again, unless max_age or prompt=login asked for a new sign-in.
import type { Context } from 'koa';
import { assuranceOf, satisfies, type AuthMethod, type Proof, type SignInStep } from '../accounts/index.js';
import { ACR_INSUFFICIENT, flushPageWrites, forgetSignInStep, requiredAcr, scopedSignInStep } from '../oidc/index.js';
import type { FranceConnect } from '../federation/index.js';
import { sendPage } from '../http/index.js';
import { messagePage } from '../views/index.js';
import { pageFor, type Interaction, type InteractionDeps } from './context.js';

/** A sign-in's pages, with the FranceConnect link a completion may have to write (when FranceConnect is configured). */
export type SignInDeps = InteractionDeps & { franceConnect?: Pick<FranceConnect, 'completeLink'> | undefined };

const isFranceConnect = (proof: Proof) => typeof proof === 'object' && 'franceconnect' in proof;
const isHeld = (proof: Proof) => proof === 'totp' || proof === 'recovery-code' || (typeof proof === 'object' && 'passkey' in proof);

export const SECOND_FACTOR_STEP = 'second-factor';

/** The level this interaction's site asked for, with its registered minimum. */
export async function requiredAcrOf(deps: InteractionDeps, interaction: Interaction): Promise<string> {
  const client = await deps.provider().Client.find(String(interaction.params.client_id));
  return requiredAcr({ acrValues: interaction.params.acr_values, claims: interaction.params.claims }, client);
}

/** The proofs of a session's sign-in, read back from its amr. */
function proofsOfAmr(amr: unknown): Proof[] {
  const methods = new Set(Array.isArray(amr) ? (amr as AuthMethod[]) : []);
  const proofs: Proof[] = [];
  if (methods.has('pwd')) proofs.push('password');
  // The session keeps no eIDAS level: its FranceConnect proof is read back at the lower one.
  if (methods.has('fc')) proofs.push({ franceconnect: { eidas: 1 } });
  if (methods.has('otp')) proofs.push('totp');
  if (methods.has('hwk') || methods.has('swk'))
    proofs.push({ passkey: { userVerified: methods.has('user'), hardwareBound: methods.has('hwk') } });
  return proofs;
}

/**
 * The sign-in this interaction has under way: one gathered here, or the session's own when the library
 * prompts only because its level is too low. Undefined: a password (or passkey) is asked first.
 */
export async function stepOf(deps: InteractionDeps, interaction: Interaction): Promise<SignInStep | undefined> {
  return (await storedStepOf(deps, interaction)) ?? sessionStepOf(interaction);
}

/** The step stored for the interaction: read with the interaction in this request when it was (adapter.ts). */
async function storedStepOf(deps: InteractionDeps, interaction: Interaction): Promise<SignInStep | undefined> {
  const scoped = scopedSignInStep(interaction.uid);
  if (scoped !== undefined) return scoped ? { accountId: scoped.accountId, proofs: scoped.proofs as Proof[] } : undefined;
  return deps.factors.steps.find(interaction.uid);
}

/** The session's own sign-in, when the library prompts only because its level is too low. */
function sessionStepOf(interaction: Interaction): SignInStep | undefined {
  const { session, prompt } = interaction;
  const isStepUp =
    session?.accountId !== undefined && prompt.reasons.length > 0 && prompt.reasons.every((reason) => reason === ACR_INSUFFICIENT);
  if (!isStepUp || !session.accountId) return undefined;
  const proofs = proofsOfAmr((session as { amr?: unknown }).amr);
  return proofs.length ? { accountId: session.accountId, proofs } : undefined;
}

/**
 * Whether the proofs are enough: the site's level is met and, after a password alone (or a FranceConnect sign-in at
 * eidas1, one factor of the same kind), the account has no second factor (a citizen who set one up is always asked for it).
 */
async function isEnough(
  deps: InteractionDeps,
  interaction: Interaction,
  accountId: string,
  proofs: Proof[],
  known: { hasSecondFactor?: boolean; isLinking?: boolean },
): Promise<boolean> {
  // A FranceConnect link proved by a password or a mailed code asks the account's own second factor whatever
  // FranceConnect's level: otherwise the link would be a way in that never meets it.
  if (known.isLinking && !proofs.some(isHeld) && (await deps.factors.hasSecondFactor(accountId))) return false;
  const { acr } = assuranceOf(proofs);
  if (!satisfies(acr, await requiredAcrOf(deps, interaction))) return false;
  const isKnownAlone = proofs.every(
    (proof) => proof === 'password' || (typeof proof === 'object' && 'franceconnect' in proof && proof.franceconnect.eidas === 1),
  );
  return !isKnownAlone || !(known.hasSecondFactor ?? (await deps.factors.hasSecondFactor(accountId)));
}

/**
 * Ends the interaction as signed in with these proofs: acr, amr and auth_time go into the tokens. What the
 * library's interactionFinished does, on the interaction this request already read (it would read it again).
 * `hadStep`: a step was stored for it, to forget.
 */
async function finish(
  ctx: Context,
  deps: SignInDeps,
  interaction: Interaction,
  sign: { accountId: string; proofs: Proof[]; hadStep: boolean },
) {
  const { acr, amr } = assuranceOf(sign.proofs);
  // The FranceConnect identity proved for this account in this interaction is linked only now, every factor asked
  // (the step carried it): an interaction abandoned before leaves no link.
  if (deps.franceConnect && sign.proofs.some(isFranceConnect)) {
    const origin = { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined };
    if ((await deps.franceConnect.completeLink(interaction.uid, sign.accountId, origin)) === 'refused') {
      const page = pageFor(deps, ctx, interaction);
      const back = { href: `/interaction/${interaction.uid}`, label: page.t('franceconnect.back_to_login') };
      sendPage(
        ctx,
        messagePage(page, page.t('franceconnect.fault_title'), page.t('franceconnect.link.already_linked'), back).toString(),
        409,
      );
      return;
    }
  }
  if (sign.hadStep) {
    await deps.factors.steps.forget(interaction.uid);
    forgetSignInStep(interaction.uid);
  }
  const now = Math.floor(Date.now() / 1000);
  interaction.result = { login: { accountId: sign.accountId, acr, amr, ts: now } };
  await interaction.save(interaction.exp - now);
  // The interaction's result (and whatever this request deferred) is stored before the browser goes on to read it.
  await flushPageWrites();
  ctx.respond = false;
  ctx.res.statusCode = 303;
  ctx.res.setHeader('Location', interaction.returnTo);
  ctx.res.setHeader('Content-Length', '0');
  ctx.res.end();
}

/**
 * A proof was just made for `accountId` in this interaction: added to the ones before (the same account
 * only: a proof for another account starts over), then finished or sent to the second factor. `known`:
 * whether the account has a second factor, when the proof's own statement read it (login.ts); `isLinking`: a
 * FranceConnect link waits on this sign-in (franceconnect.ts), which then asks the account's second factor.
 */
export async function signInProved(
  deps: SignInDeps,
  ctx: Context,
  interaction: Interaction,
  accountId: string,
  proofs: Proof[],
  known: { hasSecondFactor?: boolean; isLinking?: boolean } = {},
): Promise<void> {
  const stored = await storedStepOf(deps, interaction);
  const earlier = stored ?? sessionStepOf(interaction);
  const gathered = earlier?.accountId === accountId ? [...earlier.proofs, ...proofs] : proofs;
  if (await isEnough(deps, interaction, accountId, gathered, known)) {
    await finish(ctx, deps, interaction, { accountId, proofs: gathered, hadStep: stored !== undefined });
    return;
  }
  await deps.factors.steps.put(interaction.uid, { accountId, proofs: gathered });
  forgetSignInStep(interaction.uid);
  await flushPageWrites();
  ctx.status = 303;
  ctx.redirect(`/interaction/${interaction.uid}/${SECOND_FACTOR_STEP}`);
}
