// Bearer tokens that GrandLyonConnect issued for the operators' API: right audience, admin scope, and
// behind them an operator (a person's account or a program's client).
import type { Context, Next } from 'koa';
import { AppError } from '../errors.js';
import type { AdminDeps } from './context.js';

function unauthorized(ctx: Context, description: string): never {
  ctx.set('WWW-Authenticate', `Bearer realm="grandlyonconnect-admin", error="invalid_token", error_description="${description}"`);
  throw new AppError('invalid_token', 'unauthorized', description);
}

export function authenticate(deps: AdminDeps, audience: string, scope: string) {
  return async (ctx: Context, next: Next) => {
    const bearer = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(ctx.get('authorization'))?.[1];
    if (!bearer) {
      ctx.set('WWW-Authenticate', 'Bearer realm="grandlyonconnect-admin"');
      throw new AppError('invalid_token', 'unauthorized', 'a bearer access token is required');
    }
    const token = await deps.findToken(bearer);
    if (!token) unauthorized(ctx, 'the access token is unknown, expired or revoked');
    // A disabled or deleted client's tokens end with it, as at the provider's own endpoints.
    const client = await deps.registry.findProviderClient(token.clientId);
    if (!client) unauthorized(ctx, 'the client of the access token is disabled or deleted');
    // Only operator tools are given this API's tokens; checked here too, whatever minted the token.
    if (!client.operator_tool) unauthorized(ctx, 'the access token was not issued to an operator tool');
    if (!token.audiences.includes(audience)) unauthorized(ctx, 'the access token is not for this API');
    if (!token.scopes.has(scope)) {
      ctx.set('WWW-Authenticate', `Bearer realm="grandlyonconnect-admin", error="insufficient_scope", scope="${scope}"`);
      throw new AppError('insufficient_scope', 'forbidden', `the access token lacks the ${scope} scope`);
    }
    const principal = token.accountId
      ? await deps.operators.principalFor(
          { accountId: token.accountId },
          (await deps.accounts.findById(token.accountId))?.email ?? token.accountId,
        )
      : await deps.operators.principalFor({ clientId: token.clientId }, token.clientId);
    if (!principal) throw new AppError('forbidden', 'forbidden', 'the token does not belong to an operator');
    ctx.state.principal = principal;
    await next();
  };
}
