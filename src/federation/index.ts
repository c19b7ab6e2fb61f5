// Upstream OpenID providers (FranceConnect) through openid-client: the room's front door. A sign-in leaves for
// FranceConnect with a round trip of ours (state, nonce, PKCE verifier, kept here, bound to the browser by a
// cookie's digest and to the interaction by its uid), comes back once (the round trip is spent), and leaves a
// vouched identity for its interaction, then for the provider's session it opened: the logout of that session
// ends FranceConnect's too (its end_session with the ID token as hint and a state of ours), then goes on.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import type { AccountNotifier, Accounts, Origin } from '../accounts/index.js';
import type { Config } from '../config.js';
import type { Pool } from '../db/index.js';
import type { Locale } from '../locale.js';
import type { Logger } from '../log.js';
import type { Sealer } from '../sealing.js';
import { createAccountLinks, type LinkOutcome, type Resolution } from './account-links.js';
import { deleteExpiredLinkCodes } from './link-code-repository.js';
import { createLinkCodes } from './link-codes.js';
import { eidasLevelOf, franceConnectProof, pivotIdentityOf, stringClaim } from './pivot-identity.js';
import {
  bindSignInToSession,
  deleteExpiredFederationRows,
  deleteInteractionSignIn,
  findInteractionSignIn,
  insertSignInTrip,
  insertSignOutTrip,
  putInteractionSignIn,
  setInteractionAccount,
  takeSessionSignIn,
  takeSignInTrip,
  takeSignOutTrip,
} from './round-trip-repository.js';
import { createReauthentication, type ReauthFault } from './reauthentication.js';
import { createUpstream, UpstreamError } from './upstream.js';

export { FRANCECONNECT_SCOPES, REQUESTED_ACR, UpstreamError } from './upstream.js';
export type { LinkOutcome, Resolution } from './account-links.js';
export { LINK_CODE_DIGITS, LINK_CODE_TTL_SECONDS } from './link-codes.js';

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
  /** The link of the interaction's identity to the account of its email, after that account's password. */
  link(interactionUid: string, password: string, origin: Origin): Promise<LinkOutcome | undefined>;
  /** Mails a code to the account of the interaction's identity's email (link-codes.ts); false when none waits. */
  sendLinkCode(interactionUid: string): Promise<boolean>;
  /** The link after the code mailed to that account, instead of its password. */
  linkWithCode(interactionUid: string, code: string, origin: Origin): Promise<LinkOutcome | undefined>;
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

const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');

function sameDigest(secret: string, expected: string): boolean {
  const a = Buffer.from(digest(secret));
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// An upstream's error code is logged, never its description (it may quote the request).
const loggedCode = (value: string | null) => (value && /^[a-z0-9_.-]{1,64}$/i.test(value) ? value : 'unreadable');

/** Undefined when FranceConnect is not configured: no button, no route (the faces check). */
export function createFranceConnect(deps: FederationDeps): FranceConnect | undefined {
  const { pool, config, log, sealer } = deps;
  const settings = config.franceConnect;
  if (!settings) return undefined;
  const redirectUri = `${config.issuer}${FRANCECONNECT_CALLBACK_PATH}`;
  const upstream = createUpstream(settings, {
    redirectUri,
    postLogoutRedirectUri: `${config.issuer}${FRANCECONNECT_LOGOUT_CALLBACK_PATH}`,
  });
  const links = createAccountLinks({ pool, accounts: deps.accounts });
  const linkCodes = createLinkCodes({ pool, sealer, notify: deps.notify, links });
  const interactionTtl = config.ttlSeconds.interaction;
  const reauthentication = createReauthentication({ pool, upstream, log, ttlSeconds: interactionTtl, batchSize: config.cleanup.batchSize });

  const refused = (fault: Fault, interactionUid: string | undefined, code: string): CallbackOutcome => {
    log.warn({ event: 'franceconnect.refused', fault, code }, 'franceconnect.refused');
    return { ok: false, fault, interactionUid };
  };

  async function verify(callbackUrl: URL, binding: BrowserBinding | undefined): Promise<CallbackOutcome> {
    const state = callbackUrl.searchParams.get('state');
    // Spent whatever follows: a replayed answer finds no round trip.
    const trip = state ? await takeSignInTrip(pool, state) : undefined;
    const back = binding?.interactionUid;
    if (!trip || !binding || !sameDigest(binding.secret, trip.browserDigest) || trip.interactionUid !== binding.interactionUid) {
      return refused('state_mismatch', back, trip ? 'foreign_browser' : 'unknown_state');
    }
    const error = callbackUrl.searchParams.get('error');
    if (error) return refused(error === 'access_denied' ? 'access_denied' : 'upstream_error', back, loggedCode(error));
    const answer = await upstream.redeem(callbackUrl, trip);
    if (eidasLevelOf(answer.acr) === undefined) return refused('level_unknown', back, loggedCode(answer.acr));
    await putInteractionSignIn(
      pool,
      trip.interactionUid,
      {
        provider: 'franceconnect',
        subject: answer.subject,
        identity: pivotIdentityOf(answer.claims),
        acr: answer.acr,
        accountId: undefined,
        idTokenSealed: await sealer.seal(answer.idToken),
      },
      interactionTtl,
    );
    log.info({ event: 'franceconnect.answered', acr: answer.acr }, 'franceconnect.answered');
    return { ok: true, interactionUid: trip.interactionUid };
  }

  /** A link decided: the interaction's account when it was made, a log line either way (never the secret typed). */
  async function linked(interactionUid: string, outcome: LinkOutcome, proof: 'password' | 'mailed_code'): Promise<LinkOutcome> {
    if (outcome.kind === 'linked') {
      await setInteractionAccount(pool, interactionUid, outcome.accountId);
      log.info({ event: 'franceconnect.linked', accountId: outcome.accountId, proof }, 'franceconnect.linked');
    } else {
      const reason = outcome.kind === 'refused' ? outcome.reason : outcome.kind;
      log.info({ event: 'franceconnect.link_refused', reason, proof }, 'franceconnect.link_refused');
    }
    return outcome;
  }

  return {
    async begin(interactionUid, locale) {
      await deleteExpiredFederationRows(pool, config.cleanup.batchSize);
      await deleteExpiredLinkCodes(pool, config.cleanup.batchSize);
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const binding = { interactionUid, secret: randomBytes(32).toString('base64url') };
      const url = await upstream.authorizationUrl({ state, nonce, codeVerifier, uiLocales: locale });
      await insertSignInTrip(pool, { state, interactionUid, nonce, codeVerifier, browserDigest: digest(binding.secret) }, interactionTtl);
      return { url, binding };
    },
    async answer(query, binding, reauthSecret) {
      // The redirect URI we registered, with the answer's parameters: what the token request names.
      const callbackUrl = new URL(redirectUri);
      callbackUrl.search = query;
      const state = callbackUrl.searchParams.get('state');
      if (state && (await reauthentication.isOurs(state))) {
        const outcome = await reauthentication.answer(callbackUrl, state, reauthSecret);
        return outcome.ok
          ? { ok: true, reauthenticated: true }
          : { ok: false, fault: outcome.fault, interactionUid: undefined, isReauthentication: true };
      }
      try {
        return await verify(callbackUrl, binding);
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        return refused(error.fault, binding?.interactionUid, error.code);
      }
    },
    async resolve(interactionUid, context) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      if (!signIn) return undefined;
      const resolution = await links.resolve(signIn, context);
      if (resolution.kind === 'signed_in' || resolution.kind === 'created') {
        await setInteractionAccount(pool, interactionUid, resolution.accountId);
        log.info({ event: `franceconnect.${resolution.kind}`, accountId: resolution.accountId }, `franceconnect.${resolution.kind}`);
      }
      return resolution;
    },
    async link(interactionUid, password, origin) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      const email = signIn && parseCandidate(signIn.identity);
      if (!signIn || !email) return undefined;
      return linked(interactionUid, await links.link(signIn, email, password, origin), 'password');
    },
    async sendLinkCode(interactionUid) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      const email = signIn && parseCandidate(signIn.identity);
      if (!signIn || !email) return false;
      const isSent = await linkCodes.send(interactionUid, signIn, email);
      log.info({ event: 'franceconnect.link_code_sent', isSent }, 'franceconnect.link_code_sent');
      return isSent;
    },
    async linkWithCode(interactionUid, code, origin) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      const email = signIn && parseCandidate(signIn.identity);
      if (!signIn || !email) return undefined;
      return linked(interactionUid, await linkCodes.link(interactionUid, signIn, email, code, origin), 'mailed_code');
    },
    beginReauthentication: (accountId, sessionUid, locale) => reauthentication.begin(accountId, sessionUid, locale),
    takeReauthentication: (accountId, sessionUid) => reauthentication.take(accountId, sessionUid),
    async linkCandidate(interactionUid) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      return signIn && parseCandidate(signIn.identity);
    },
    async proofOf(interactionUid) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      return signIn && franceConnectProof(signIn.acr);
    },
    forget: (interactionUid) => deleteInteractionSignIn(pool, interactionUid),
    upstreamSessions: {
      async signedIn(interactionUid, sessionUid, accountId) {
        await bindSignInToSession(pool, interactionUid, sessionUid, accountId, config.ttlSeconds.session);
      },
      async logoutDetour(sessionUid, continueTo) {
        const signIn = await takeSessionSignIn(pool, sessionUid);
        if (!signIn) return undefined;
        const state = oidc.randomState();
        try {
          const url = await upstream.endSessionUrl({ idToken: await sealer.open(signIn.idTokenSealed), state });
          if (!url) return undefined;
          await insertSignOutTrip(pool, state, continueTo, interactionTtl);
          log.info({ event: 'franceconnect.signing_out', accountId: signIn.accountId }, 'franceconnect.signing_out');
          return url;
        } catch (error) {
          // Our logout is done whatever FranceConnect's state: the citizen goes on without the detour.
          if (!(error instanceof UpstreamError)) throw error;
          log.warn({ event: 'franceconnect.sign_out_skipped', fault: error.fault, code: error.code }, 'franceconnect.sign_out_skipped');
          return undefined;
        }
      },
    },
    async signedOut(state) {
      const continueTo = state ? await takeSignOutTrip(pool, state) : undefined;
      log.info({ event: 'franceconnect.signed_out', isKnown: continueTo !== undefined }, 'franceconnect.signed_out');
      return continueTo;
    },
  };
}

function parseCandidate(identity: Record<string, unknown>): string | undefined {
  return stringClaim(identity, 'email');
}
