// The forms oidc-provider has a browser post, taken from its arguments and its context, never from its
// HTML: our pages draw them (interactions/pages.ts). A form posted back to the provider carries the
// secret the library keeps in the session's state for it (lib/shared/xsrf.js).
import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';

type OidcContext = KoaContextWithOIDC['oidc'];

/** Where a form posts, and its hidden fields. */
export interface ProviderForm {
  action: string;
  fields: Record<string, string>;
}

/** The device flow's user-code form: the code is a field the person types. */
export interface UserCodeForm {
  action: string;
  xsrf: string;
  userCode: string;
}

function xsrfOf(oidc: OidcContext): string {
  const secret = oidc.session?.state?.secret;
  // The library writes the secret before it asks for any of these forms: without one it broke its own contract.
  if (typeof secret !== 'string') throw new TypeError('oidc-provider asked for a form without its xsrf secret');
  return secret;
}

/** "Sign out?" (logoutSource): posted to end_session_confirm with the citizen's answer. */
export function logoutForm({ oidc }: KoaContextWithOIDC): ProviderForm {
  return { action: oidc.urlFor('end_session_confirm'), fields: { xsrf: xsrfOf(oidc) } };
}

/** The user code to type (userCodeInputSource); after a refusal, the code the library hands back with it. */
export function userCodeInputForm({ oidc }: KoaContextWithOIDC, error?: Error): UserCodeForm {
  const { userCode } = (error ?? {}) as { userCode?: unknown };
  return { action: oidc.urlFor('code_verification'), xsrf: xsrfOf(oidc), userCode: typeof userCode === 'string' ? userCode : '' };
}

/** "Allow this device?" (userCodeConfirmSource): the code as the citizen typed it, confirmed. */
export function userCodeConfirmForm({ oidc }: KoaContextWithOIDC): ProviderForm {
  const typed = oidc.params?.user_code;
  return {
    action: oidc.urlFor('code_verification'),
    fields: { xsrf: xsrfOf(oidc), user_code: typeof typed === 'string' ? typed : '', confirm: 'yes' },
  };
}

/** The authorization response to a site (response_mode=form_post): the library's parameters, as fields. */
export function authorizationResponseForm(redirectUri: string, parameters: Record<string, unknown>): ProviderForm {
  const fields = Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, String(value)]));
  return { action: redirectUri, fields };
}

// The library's own status for a form_post answer (lib/response_modes/form_post.js).
const FORM_POST_STATUSES = new Set([200, 400, 500]);

export function authorizationResponseStatus(status: number, parameters: Record<string, unknown>): number {
  if (FORM_POST_STATUSES.has(status)) return status;
  return 'error' in parameters ? 400 : 200;
}

/**
 * The self-submitting forms the library draws with no hook to call (its form_post module, called directly):
 * signing out a browser without a session, GET /device?user_code=…, and a resumed authorization whose
 * citizen is not the session's, which signs the session out first. Asked only of an answer none of our
 * pages drew; each is a 200 HTML page (a redirect's body is HTML too); the route says which form it was,
 * the library's context gives its fields.
 */
export function formDrawnByTheLibrary(ctx: Context): ProviderForm | undefined {
  const { oidc } = ctx as { oidc?: OidcContext }; // set only on the library's own routes
  if (!oidc?.session || ctx.status !== 200 || !ctx.response.is('html')) return undefined;
  switch (oidc.route) {
    case 'end_session':
    case 'resume':
      return { action: oidc.urlFor('end_session_confirm'), fields: { xsrf: xsrfOf(oidc), logout: 'yes' } };
    case 'code_verification': {
      const userCode = oidc.params?.user_code;
      if (typeof userCode !== 'string') return undefined;
      return { action: oidc.urlFor('code_verification'), fields: { xsrf: xsrfOf(oidc), user_code: userCode } };
    }
    default:
      return undefined;
  }
}
