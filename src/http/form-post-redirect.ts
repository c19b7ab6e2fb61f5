// A form POST at the provider's authorization and end-session endpoints (OIDC Core 3.1.2.1, RP-Initiated
// Logout §2) answered with a 303 to the same endpoint as a GET carrying the same parameters. Our session
// cookies are SameSite=Lax, so a POST from a commune site's page carries none: the library itself would
// need SameSite=None to serve POST there (its enableHttpPostMethods), which would hand every cross-site
// request the session. The browser's top-level GET that follows carries the session (single sign-on)
// and meets every check the GET meets today: the logout is still confirmed on our page.
import type { Middleware } from 'koa';
import { invalid } from '../errors.js';
import { readBody } from './replayed-request.js';

/**
 * What a form may weigh: its parameters travel on in the Location and then in the GET's request line,
 * which Node's HTTP parser refuses past 16 KiB of headers (cookies included). Request objects are small.
 */
export const FORM_POST_LIMIT_BYTES = 8 * 1024;

const FORM = 'application/x-www-form-urlencoded';

/** The body's parameters, each once; a repeated one is refused here, before any page reads it. */
function parametersOf(text: string): URLSearchParams {
  const parameters = new URLSearchParams(text);
  const seen = new Set<string>();
  for (const name of parameters.keys()) {
    if (seen.has(name)) throw invalid('invalid_request', `'${name}' parameter must not be provided twice`);
    seen.add(name);
  }
  return parameters;
}

/** Only UTF-8 forms (what browsers send, and what the GET's query is read as). */
function isUtf8(contentType: string): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  return charset === undefined || charset.toLowerCase() === 'utf-8';
}

/** `paths`: the endpoints whose POST becomes a GET (the provider's authorization and end_session). */
export function formPostRedirect(paths: readonly string[]): Middleware {
  const served = new Set(paths);
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !served.has(ctx.path)) {
      await next();
      return;
    }
    // One place for the parameters: a program that sends some in each would get a merge it did not mean.
    if (ctx.querystring !== '') throw invalid('invalid_request', 'parameters of a POST must be in its body only');
    let parameters = new URLSearchParams();
    if (Number(ctx.get('content-length')) > 0 || ctx.get('transfer-encoding') !== '') {
      const type = ctx.get('content-type');
      if (ctx.request.is(FORM) !== FORM || !isUtf8(type)) {
        throw invalid('invalid_request', `only ${FORM} (UTF-8) is supported for a POST here`);
      }
      parameters = parametersOf((await readBody(ctx.req, FORM_POST_LIMIT_BYTES)).toString('utf8'));
    }
    const query = parameters.toString();
    ctx.status = 303;
    ctx.redirect(query === '' ? ctx.path : `${ctx.path}?${query}`);
  };
}
