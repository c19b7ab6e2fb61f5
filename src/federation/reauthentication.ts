// Signing in again at FranceConnect to confirm a deletion, for a citizen whose account has no password of ours (it
// was made from FranceConnect): the request asks a new authentication whatever session FranceConnect holds
// (prompt=login, max_age=0), and its answer counts only when every check of a sign-in passes (state bound to this
// browser, signatures, nonce, PKCE, a known eIDAS level) and besides: the upstream sub is the one linked to this
// account, and auth_time is not older than the request (give or take a clock's skew). The confirmation is bound
// to the account and the provider's session that asked, lives a few minutes, and confirms one deletion.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { findFederatedIdentity } from '../accounts/index.js';
import type { Pool } from '../db/index.js';
import type { Locale } from '../locale.js';
import type { Logger } from '../log.js';
import { digest, sameDigest } from './browser-binding.js';
import { eidasLevelOf } from './pivot-identity.js';
import {
  answerReauthTrip,
  confirmReauthTrip,
  deleteExpiredReauthTrips,
  insertReauthTrip,
  isReauthState,
  takeConfirmedReauth,
} from './reauthentication-repository.js';
import { UpstreamError, type Upstream } from './upstream.js';

/** Why an answer did not confirm the deletion (franceconnect.faults.*). */
export type ReauthFault =
  | 'state_mismatch'
  | 'access_denied'
  | 'upstream_error'
  | 'unreachable'
  | 'invalid_answer'
  | 'level_unknown'
  | 'other_identity'
  | 'stale_authentication';

export type ReauthOutcome = { ok: true } | { ok: false; fault: ReauthFault };

// FranceConnect's clock and ours may differ by this much; an authentication older than the request by more is not
// the one asked for.
const CLOCK_SKEW_SECONDS = 30;
// From FranceConnect's answer to the deletion: a few minutes is plenty, and a confirmation never outlives them.
const CONFIRMATION_TTL_SECONDS = 300;

export interface ReauthenticationDeps {
  pool: Pool;
  upstream: Upstream;
  log: Logger;
  ttlSeconds: number;
  batchSize: number;
}

export function createReauthentication({ pool, upstream, log, ttlSeconds, batchSize }: ReauthenticationDeps) {
  const refused = (fault: ReauthFault, code: string): ReauthOutcome => {
    log.warn({ event: 'franceconnect.reauthentication_refused', fault, code }, 'franceconnect.reauthentication_refused');
    return { ok: false, fault };
  };

  return {
    /** Where the browser goes to sign in again, and the secret its cookie keeps. */
    async begin(accountId: string, sessionUid: string, locale: Locale): Promise<{ url: string; secret: string }> {
      await deleteExpiredReauthTrips(pool, batchSize);
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const secret = randomBytes(32).toString('base64url');
      const url = await upstream.authorizationUrl({ state, nonce, codeVerifier, uiLocales: locale, fresh: true });
      await insertReauthTrip(pool, { state, accountId, sessionUid, nonce, codeVerifier, browserDigest: digest(secret) }, ttlSeconds);
      return { url, secret };
    },

    /** Whether an answer of this state is a deletion's (then `answer` takes it, never the sign-in's path). */
    isOurs: (state: string) => isReauthState(pool, state),

    /** FranceConnect's answer for a deletion, checked; `secret` is the browser's cookie, when it has one. */
    async answer(callbackUrl: URL, state: string, secret: string | undefined): Promise<ReauthOutcome> {
      const trip = await answerReauthTrip(pool, state);
      if (!trip || secret === undefined || !sameDigest(secret, trip.browserDigest)) {
        return refused('state_mismatch', trip ? 'foreign_browser' : 'unknown_state');
      }
      const error = callbackUrl.searchParams.get('error');
      if (error) return refused(error === 'access_denied' ? 'access_denied' : 'upstream_error', 'upstream');
      let answer;
      try {
        answer = await upstream.redeem(callbackUrl, trip);
      } catch (failure) {
        if (!(failure instanceof UpstreamError)) throw failure;
        return refused(failure.fault, failure.code);
      }
      if (eidasLevelOf(answer.acr) === undefined) return refused('level_unknown', 'acr');
      const link = await findFederatedIdentity(pool, 'franceconnect', answer.subject);
      if (link?.accountId !== trip.accountId) return refused('other_identity', 'sub');
      const asked = Math.floor(trip.startedAt.getTime() / 1000);
      if (answer.authTime === undefined || answer.authTime < asked - CLOCK_SKEW_SECONDS) {
        return refused('stale_authentication', answer.authTime === undefined ? 'no_auth_time' : 'auth_time');
      }
      await confirmReauthTrip(pool, state);
      log.info({ event: 'franceconnect.reauthenticated', accountId: trip.accountId }, 'franceconnect.reauthenticated');
      return { ok: true };
    },

    /** Whether this account and session hold a fresh confirmation, spent by this call. */
    take: (accountId: string, sessionUid: string) => takeConfirmedReauth(pool, accountId, sessionUid, CONFIRMATION_TTL_SECONDS),
  };
}

export type Reauthentication = ReturnType<typeof createReauthentication>;
