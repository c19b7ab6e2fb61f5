// The provider's events worth a log line (never with token values) and a metric.
import type Provider from 'oidc-provider';
import type { Queryable } from '../db/index.js';
import { insertSignIn } from '../reports/index.js';
import type { Logger } from '../log.js';
import { deferringQueryable } from './request-scope.js';

export function logProviderEvents(provider: Provider, log: Logger): void {
  provider.on('server_error', (ctx, error) => {
    log.error({ event: 'oidc.server_error', err: error, path: ctx.path }, 'oidc.server_error');
  });
  const logRefusal = (event: string) => (_ctx: unknown, error: Error & { error?: string; error_description?: string }) => {
    log.info({ event: `oidc.${event}`, error: error.error, description: error.error_description }, `oidc.${event}`);
  };
  provider.on('authorization.error', logRefusal('authorization.error'));
  provider.on('grant.error', logRefusal('grant.error'));
  provider.on('introspection.error', logRefusal('introspection.error'));
  provider.on('revocation.error', logRefusal('revocation.error'));
  provider.on('end_session.error', logRefusal('end_session.error'));
  provider.on('userinfo.error', logRefusal('userinfo.error'));
  provider.on('backchannel.error', (_ctx, error, client) => {
    log.warn({ event: 'oidc.backchannel.error', clientId: client.clientId, error: error.message }, 'oidc.backchannel.error');
  });
  provider.on('grant.revoked', (_ctx, grantId) => {
    log.info({ event: 'oidc.grant.revoked', grantId }, 'oidc.grant.revoked');
  });
}

/** Each successful authorization of a commune site is a sign-in in the usage figures. */
export function countSignIns(provider: Provider, db: Queryable, log: Logger, ignoredClientIds: readonly string[]): void {
  provider.on('authorization.success', (ctx) => {
    const client = ctx.oidc.client as unknown as { clientId: string; commune?: string } | undefined;
    const accountId = ctx.oidc.session?.accountId;
    if (!client?.commune || !accountId || ignoredClientIds.includes(client.clientId)) return;
    // With the request's other writes when there are (request-scope.ts): the count is no round trip of its own.
    insertSignIn(deferringQueryable('SignIn') ?? db, { clientId: client.clientId, communeSlug: client.commune, accountId }).catch(
      (error: unknown) => log.warn({ event: 'usage.write_failed', err: error }, 'usage.write_failed'),
    );
  });
}
