// Upstream OpenID providers (FranceConnect) through openid-client: the room's front door. A sign-in leaves for
// FranceConnect with a round trip of ours (state, nonce, PKCE verifier, kept here, bound to the browser by a
// cookie's digest and to the interaction by its uid), comes back once (the round trip is spent), and leaves a
// vouched identity for its interaction, then for the provider's session it opened: the logout of that session
// ends FranceConnect's too (its end_session with the ID token as hint and a state of ours), then goes on.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { findFederatedIdentity } from '../accounts/index.js';
import { createAccountLinks, type LinkOutcome } from './account-links.js';
import { digest, sameDigest } from './browser-binding.js';
import {
  FRANCECONNECT_CALLBACK_PATH,
  FRANCECONNECT_LOGOUT_CALLBACK_PATH,
  type BrowserBinding,
  type CallbackOutcome,
  type Fault,
  type FederationDeps,
  type FranceConnect,
} from './franceconnect.js';
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
import { createReauthentication } from './reauthentication.js';
import { createUpstream, UpstreamError } from './upstream.js';

export { FRANCECONNECT_SCOPES, REQUESTED_ACR, UpstreamError } from './upstream.js';
export type { LinkOutcome, Resolution } from './account-links.js';
export { LINK_CODE_DIGITS, LINK_CODE_TTL_SECONDS } from './link-codes.js';
export * from './franceconnect.js';

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
  const linkCodes = createLinkCodes({ pool, sealer, notify: deps.notify });
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

  /**
   * An account proved the citizen's (password or mailed code): it becomes the interaction's account, the link itself
   * waiting for the sign-in's completion (completeLink), so that a second factor asked in between decides it too.
   * A log line either way (never the secret typed).
   */
  async function proved(interactionUid: string, outcome: LinkOutcome, proof: 'password' | 'mailed_code'): Promise<LinkOutcome> {
    if (outcome.kind === 'proved') {
      await setInteractionAccount(pool, interactionUid, outcome.accountId);
      log.info({ event: 'franceconnect.link_proved', accountId: outcome.accountId, proof }, 'franceconnect.link_proved');
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
      return proved(interactionUid, await links.prove(email, password, origin), 'password');
    },
    async sendLinkCode(interactionUid) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      const email = signIn && parseCandidate(signIn.identity);
      if (!signIn || !email) return false;
      const isSent = await linkCodes.send(interactionUid, signIn, email);
      log.info({ event: 'franceconnect.link_code_sent', isSent }, 'franceconnect.link_code_sent');
      return isSent;
    },
    async linkWithCode(interactionUid, code) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      const email = signIn && parseCandidate(signIn.identity);
      if (!signIn || !email) return undefined;
      return proved(interactionUid, await linkCodes.prove(interactionUid, signIn, email, code), 'mailed_code');
    },
    async completeLink(interactionUid, accountId, origin) {
      const signIn = await findInteractionSignIn(pool, interactionUid);
      // No identity proved for this account here (a step-up of a session opened through FranceConnect): nothing to link.
      if (!signIn || signIn.accountId !== accountId) return 'none';
      const known = await findFederatedIdentity(pool, 'franceconnect', signIn.subject);
      if (known) return known.accountId === accountId ? 'none' : 'refused';
      const outcome = await links.linkTo(signIn, accountId, origin);
      if (outcome.kind !== 'linked') {
        log.info({ event: 'franceconnect.link_refused', reason: 'already_linked' }, 'franceconnect.link_refused');
        return 'refused';
      }
      log.info({ event: 'franceconnect.linked', accountId }, 'franceconnect.linked');
      return 'linked';
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
