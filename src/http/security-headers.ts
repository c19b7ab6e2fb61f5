// Headers for every response, and the stricter set for the pages a person sees.
import type { Context, Middleware } from 'koa';

/**
 * Set before anything answers, so that the provider's own responses (written straight to Node's response)
 * carry them too. An https issuer pins https for a year on its host and every subdomain: a cookie set for
 * the parent domain over plain http on a sibling host could otherwise ride along.
 */
export function securityHeaders(issuer: string): Middleware {
  const hsts = new URL(issuer).protocol === 'https:' ? 'max-age=31536000; includeSubDomains' : undefined;
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    if (hsts !== undefined) ctx.set('Strict-Transport-Security', hsts);
    await next();
  };
}

// No form-action: after a form is posted the flow redirects to the relying party, which the directive would block.
// Scripts only from our own origin (the passkey buttons) or an inline one named by its hash; fetch only to it.
const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Sends a page: HTML, no caching, CSP with frame-ancestors 'none', no third-party resources; a page with
 * an inline script names its hash (the only script we ever send).
 */
export function sendPage(ctx: Context, body: string, status = 200, scriptHashes: string[] = []): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Content-Security-Policy', `${PAGE_CSP}; script-src 'self'${scriptHashes.map((h) => ` '${h}'`).join('')}`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}
