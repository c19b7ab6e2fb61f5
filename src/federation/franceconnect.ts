// What the faces see of FranceConnect (index.ts builds it): the round trips of a sign-in, a link and a sign-out, and
// the new sign-in that confirms a deletion. Types and constants only.
import type { AccountNotifier, Accounts, Origin } from '../accounts/index.js';
import type { Config } from '../config.js';
import type { Pool } from '../db/index.js';
import type { Locale } from '../locale.js';
import type { Logger } from '../log.js';
import type { Sealer } from '../sealing.js';
import type { LinkOutcome, Resolution } from './account-links.js';
import type { franceConnectProof } from './pivot-identity.js';
import type { ReauthFault } from './reauthentication.js';

/** Our routes FranceConnect sends the browser back to (registered there as redirect and post-logout URIs). */
export const FRANCECONNECT_CALLBACK_PATH = '/franceconnect/callback';
export const FRANCECONNECT_LOGOUT_CALLBACK_PATH = '/franceconnect/logout-callback';

/** Why a FranceConnect answer was not used; each is a page in the citizen's language (franceconnect.faults.*). */
export type Fault = ReauthFault;

export type CallbackOutcome =
  | { ok: true; interactionUid: string }
  /** A deletion's round trip (reauthentication.ts): the linked identity signed in afresh. */
  | { ok: true; reauthenticated: true }
  /** `isReauthentication`: the way back is the deletion page, not a login page. */
  | { ok: false; fault: Fault; interactionUid: string | undefined; isReauthentication?: boolean };

/** The cookie binding a deletion's round trip to its browser (set by account-space, read at the callback). */
export const REAUTH_COOKIE = 'glc.fc-reauth';

/** The browser's side of a round trip: the interaction it started from and a secret only its cookie holds. */
export interface BrowserBinding {
  interactionUid: string;
  secret: string;
}

export interface FranceConnect {
  /** Where the browser goes to sign in at FranceConnect, and the binding its cookie keeps. */
  begin(interactionUid: string, locale: Locale): Promise<{ url: string; binding: BrowserBinding }>;
  /** FranceConnect's answer at the callback (its query string), checked; `binding` is the cookie's, when the browser has one. */
  answer(query: string, binding: BrowserBinding | undefined, reauthSecret?: string): Promise<CallbackOutcome>;
  /** For a deletion by an account with no password: off to FranceConnect to sign in again (reauthentication.ts). */
  beginReauthentication(accountId: string, sessionUid: string, locale: Locale): Promise<{ url: string; secret: string }>;
  /** Whether this account and session just signed in again at FranceConnect; spent by this call. */
  takeReauthentication(accountId: string, sessionUid: string): Promise<boolean>;
  /** The account the interaction's vouched identity signs in to (undefined: no identity waits in it). */
  resolve(
    interactionUid: string,
    context: { locale: Locale; clientId: string | undefined; origin: Origin },
  ): Promise<Resolution | undefined>;
  /** The account of the interaction's identity's email proved by its password: the link waits for completeLink. */
  link(interactionUid: string, password: string, origin: Origin): Promise<LinkOutcome | undefined>;
  /** Mails a code to the account of the interaction's identity's email (link-codes.ts); false when none waits. */
  sendLinkCode(interactionUid: string): Promise<boolean>;
  /** That account proved by the code mailed to it, instead of its password: the link waits for completeLink. */
  linkWithCode(interactionUid: string, code: string): Promise<LinkOutcome | undefined>;
  /**
   * The interaction's sign-in to `accountId` completes: the identity proved for it here is linked now ('linked'),
   * was already ('none', also when none waits), or cannot be (either side linked meanwhile: 'refused').
   */
  completeLink(interactionUid: string, accountId: string, origin: Origin): Promise<'linked' | 'none' | 'refused'>;
  /** The email of the account the interaction's identity would be linked to; undefined when none waits. */
  linkCandidate(interactionUid: string): Promise<string | undefined>;
  /** The proof the interaction's identity makes (assurance.ts), once its account is decided. */
  proofOf(interactionUid: string): Promise<ReturnType<typeof franceConnectProof> | undefined>;
  /** The citizen gave up the link: the identity is forgotten. */
  forget(interactionUid: string): Promise<void>;
  /** For oidc/rendering.ts: a resumed sign-in binds its session; a whole logout goes by FranceConnect first. */
  upstreamSessions: {
    signedIn(interactionUid: string, sessionUid: string, accountId: string): Promise<void>;
    logoutDetour(sessionUid: string, continueTo: string): Promise<string | undefined>;
  };
  /** Where the logout of this state goes on, once FranceConnect sent the browser back; undefined for a state not ours. */
  signedOut(state: string | undefined): Promise<string | undefined>;
}

export interface FederationDeps {
  pool: Pool;
  config: Pick<Config, 'issuer' | 'franceConnect' | 'ttlSeconds' | 'cleanup'>;
  log: Logger;
  sealer: Sealer;
  accounts: Pick<Accounts, 'authenticate' | 'selfService'>;
  /** Queues the mails of the link codes; without it (a test's bare federation), none is sent. */
  notify?: AccountNotifier | undefined;
}
