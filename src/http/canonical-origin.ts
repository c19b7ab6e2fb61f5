// ISSUER is the one truth about our scheme and host: every URL we or the provider build (discovery,
// redirects, links) comes from it, never from the request's Host header. Client addresses come from
// X-Forwarded-For only behind a trusted proxy (TRUST_PROXY).
import type { Middleware } from 'koa';

export function canonicalOrigin(issuer: string, trustProxy: boolean): Middleware {
  const { protocol, host } = new URL(issuer);
  const proto = protocol.slice(0, -1);
  return async (ctx, next) => {
    const headers = ctx.req.headers;
    headers['x-forwarded-proto'] = proto;
    headers['x-forwarded-host'] = host;
    headers.host = host;
    if (!trustProxy) delete headers['x-forwarded-for'];
    await next();
  };
}
