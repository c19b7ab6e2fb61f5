// ISSUER is the one truth about our scheme and host: every URL we or the provider build (discovery,
// redirects, links) comes from it, never from the request's Host header. The client's address is resolved
// once here (http/client-address, TRUST_PROXY) and handed on as the only X-Forwarded-For entry, so that
// every reader — ctx.ip in our routes and in the provider's own Koa app, rate limits, audit, security
// history, session list — sees that one value.
import type { Middleware } from 'koa';
import type { TrustProxy } from '../config.js';
import { resolveClientAddress } from './client-address.js';

export function canonicalOrigin(issuer: string, trustProxy: TrustProxy): Middleware {
  const { protocol, host } = new URL(issuer);
  const proto = protocol.slice(0, -1);
  return async (ctx, next) => {
    const headers = ctx.req.headers;
    headers['x-forwarded-proto'] = proto;
    headers['x-forwarded-host'] = host;
    headers.host = host;
    const forwardedFor = headers['x-forwarded-for'];
    // Node joins repeated X-Forwarded-For headers with ", " already; the array form is for safety.
    const list = Array.isArray(forwardedFor) ? forwardedFor.join(', ') : forwardedFor;
    headers['x-forwarded-for'] = resolveClientAddress(list, ctx.req.socket.remoteAddress ?? '', trustProxy);
    await next();
  };
}
