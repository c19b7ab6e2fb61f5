// FranceConnect as openid-client sees it. Discovery is kept once it worked and asked again after a failure (an
// outage at start must not need a restart). The code flow carries state, nonce and PKCE (S256), asks eidas1 and
// the identity pivot's scopes; the answer is checked by the library: state, iss, nonce, sub, and the signatures
// of the ID token and of the userinfo JWT (FranceConnect v2 signs both, ES256) against the upstream's JWKS.
import * as oidc from 'openid-client';
import type { FranceConnectConfig } from '../config.js';

export const FRANCECONNECT_SCOPES = 'openid given_name family_name birthdate gender birthplace birthcountry email preferred_username';
/** The level asked: FranceConnect's own ("faible"); an answer at eidas2 or eidas3 (FranceConnect+) is higher. */
export const REQUESTED_ACR = 'eidas1';
const SIGNING_ALG = 'ES256';
// A citizen waits on this request: an upstream that does not answer becomes a page, not a hung browser.
const TIMEOUT_SECONDS = 10;

/** Why an upstream answer was not used: told apart for the page the citizen reads and the log line. */
export type UpstreamFault = 'unreachable' | 'invalid_answer';

export class UpstreamError extends Error {
  constructor(
    readonly fault: UpstreamFault,
    /** A short code for the log (the library's error code or name), never the answer itself. */
    readonly code: string,
  ) {
    super(`franceconnect ${fault}: ${code}`);
    this.name = 'UpstreamError';
  }
}

export interface VerifiedAnswer {
  subject: string;
  acr: string;
  /** The userinfo claims, checked for the ID token's sub. */
  claims: Record<string, unknown>;
  idToken: string;
  /** The ID token's auth_time (seconds since the epoch), when it carries one. */
  authTime: number | undefined;
}

export interface Upstream {
  /** `fresh`: the citizen signs in again whatever session FranceConnect holds (prompt=login, max_age=0). */
  authorizationUrl(request: { state: string; nonce: string; codeVerifier: string; uiLocales: string; fresh?: boolean }): Promise<string>;
  /** The callback URL as received, checked against what the round trip expected. */
  redeem(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<VerifiedAnswer>;
  endSessionUrl(request: { idToken: string; state: string }): Promise<string | undefined>;
}

function isLocalHttp(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
}

/**
 * The network failure or timeout somewhere in an error's causes (the library wraps fetch's TypeError, which wraps
 * the system error), if any. Told by names and codes: fetch's errors may come from another realm than ours.
 */
function networkFailure(error: unknown): string | undefined {
  let current = error as { name?: unknown; code?: unknown; syscall?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++, current = current.cause as typeof current) {
    if (current.name === 'TimeoutError' || current.name === 'AbortError' || current.code === 'OAUTH_TIMEOUT') return 'timeout';
    if (typeof current.syscall === 'string') return typeof current.code === 'string' ? current.code : 'network';
    if (current.name === 'TypeError' && current.cause === undefined) return 'network';
  }
  return undefined;
}

/** Network failures and timeouts are the upstream not answering; anything else is an answer we refuse. */
function classify(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const failure = networkFailure(error);
  if (failure) return new UpstreamError('unreachable', failure);
  if (error instanceof oidc.ResponseBodyError) return new UpstreamError('invalid_answer', `token_endpoint_${error.error}`);
  const { name, code } = (error ?? {}) as { name?: string; code?: unknown };
  return new UpstreamError('invalid_answer', typeof code === 'string' ? code : (name ?? 'unknown'));
}

export function createUpstream(settings: FranceConnectConfig, urls: { redirectUri: string; postLogoutRedirectUri: string }): Upstream {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = async (): Promise<oidc.Configuration> => {
    discovered ??= (async () => {
      const found = await oidc.discovery(
        new URL(settings.issuer),
        settings.clientId,
        { id_token_signed_response_alg: SIGNING_ALG, userinfo_signed_response_alg: SIGNING_ALG },
        oidc.ClientSecretPost(settings.clientSecret),
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- only towards this machine (config.ts allows no other http issuer)
        { timeout: TIMEOUT_SECONDS, execute: isLocalHttp(settings.issuer) ? [oidc.allowInsecureRequests] : [] },
      );
      oidc.enableNonRepudiationChecks(found);
      return found;
    })();
    try {
      return await discovered;
    } catch (error) {
      discovered = undefined;
      throw classify(error);
    }
  };

  return {
    async authorizationUrl({ state, nonce, codeVerifier, uiLocales, fresh = false }) {
      const config = await configuration();
      return oidc
        .buildAuthorizationUrl(config, {
          redirect_uri: urls.redirectUri,
          scope: FRANCECONNECT_SCOPES,
          acr_values: REQUESTED_ACR,
          state,
          nonce,
          code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
          code_challenge_method: 'S256',
          ui_locales: uiLocales,
          ...(fresh ? { prompt: 'login', max_age: '0' } : {}),
        })
        .toString();
    },
    async redeem(callbackUrl, expected) {
      const config = await configuration();
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: expected.codeVerifier,
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims || !tokens.id_token) throw new UpstreamError('invalid_answer', 'no_id_token');
        const claims = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        const acr = typeof idClaims.acr === 'string' ? idClaims.acr : '';
        const authTime = typeof idClaims.auth_time === 'number' ? idClaims.auth_time : undefined;
        return { subject: idClaims.sub, acr, claims, idToken: tokens.id_token, authTime };
      } catch (error) {
        throw classify(error);
      }
    },
    async endSessionUrl({ idToken, state }) {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return oidc
        .buildEndSessionUrl(config, { id_token_hint: idToken, state, post_logout_redirect_uri: urls.postLogoutRedirectUri })
        .toString();
    },
  };
}
