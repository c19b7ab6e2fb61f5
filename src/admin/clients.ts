// /communes/{slug}/clients: a commune's relying parties, managed by its referents, its syndicate and the Métropole.
import type { Context } from 'koa';
import type Router from '@koa/router';
import { AppError, invalid, notFound } from '../errors.js';
import { isMetropoleAdmin } from '../operators/index.js';
import { clientJson, type ClientRecord } from '../registry/index.js';
import {
  audited, bodyOf, optionalBoolean, optionalString, optionalStrings, paginate, principalOf, requireCommune, type AdminDeps,
} from './context.js';

/** Only the Métropole grants sensitive scopes at once; for other operators they wait for its approval. */
function sensitiveScopePolicy(ctx: Context) {
  const principal = principalOf(ctx);
  return { requestedBy: principal.label, mayGrantSensitive: isMetropoleAdmin(principal) };
}

/**
 * First-party clients skip consent: a citizen signing in to one shares identity scopes without being asked.
 * Only the Métropole makes one (here, or the CLI); a referent asking for it is refused, not ignored.
 */
function firstPartyOf(ctx: Context, body: Record<string, unknown>): boolean {
  const isFirstParty = optionalBoolean(body, 'first_party') ?? false;
  if (isFirstParty && !isMetropoleAdmin(principalOf(ctx))) {
    throw new AppError('forbidden', 'forbidden', 'first_party: only a metropole-admin makes a first-party client', { field: 'first_party' });
  }
  return isFirstParty;
}

/** The two ways a client authenticates at the token endpoint; anything else is refused, not ignored. */
function authMethodOf(body: Record<string, unknown>): string | undefined {
  const method = optionalString(body, 'token_endpoint_auth_method');
  if (method !== undefined && method !== 'client_secret_basic' && method !== 'none') {
    throw invalid('invalid_request', 'token_endpoint_auth_method: client_secret_basic or none', { field: 'token_endpoint_auth_method' });
  }
  return method;
}

/** The client, if it belongs to the commune of the path (a client of another commune is simply not there). */
async function clientOfCommune(deps: AdminDeps, ctx: Context): Promise<ClientRecord> {
  requireCommune(ctx, ctx.params.slug!);
  const client = await deps.registry.getClient(ctx.params.clientId!);
  if (client.communeSlug !== ctx.params.slug) throw notFound('client_not_found', `no client "${ctx.params.clientId}" in commune "${ctx.params.slug}"`);
  return client;
}

export function clientRoutes(router: Router, deps: AdminDeps): void {
  router.get('/communes/:slug/clients', async (ctx) => {
    requireCommune(ctx, ctx.params.slug!);
    ctx.body = paginate(ctx, (await deps.registry.listClients(ctx.params.slug!)).map(clientJson));
  });

  router.post('/communes/:slug/clients', async (ctx) => {
    const slug = ctx.params.slug!;
    requireCommune(ctx, slug);
    const body = bodyOf(ctx);
    const isFirstParty = firstPartyOf(ctx, body);
    const { client, clientSecret } = await audited(deps, ctx, async (db) => {
      const added = await deps.registryFor(db).addClient(slug, {
        name: optionalString(body, 'client_name') ?? '',
        redirectUris: optionalStrings(body, 'redirect_uris'),
        postLogoutRedirectUris: optionalStrings(body, 'post_logout_redirect_uris'),
        grantTypes: optionalStrings(body, 'grant_types'),
        isPublic: authMethodOf(body) === 'none',
        scope: optionalString(body, 'scope'),
        subjectType: optionalString(body, 'subject_type'),
        backchannelLogoutUri: optionalString(body, 'backchannel_logout_uri'),
      }, { isFirstParty, ...sensitiveScopePolicy(ctx) });
      return { result: added, audit: { action: 'client.created', communeSlug: slug, target: `client:${added.client.clientId}`, after: clientJson(added.client) } };
    });
    ctx.status = 201;
    ctx.set('Location', `/admin/api/v1/communes/${slug}/clients/${client.clientId}`);
    ctx.body = { ...clientJson(client), ...(clientSecret ? { client_secret: clientSecret } : {}) };
  });

  router.get('/communes/:slug/clients/:clientId', async (ctx) => {
    ctx.body = clientJson(await clientOfCommune(deps, ctx));
  });

  router.patch('/communes/:slug/clients/:clientId', async (ctx) => {
    const current = await clientOfCommune(deps, ctx);
    const body = bodyOf(ctx);
    const backchannel = body.backchannel_logout_uri === null ? null : optionalString(body, 'backchannel_logout_uri');
    const client = await audited(deps, ctx, async (db) => {
      const updated = await deps.registryFor(db).updateClient(current.clientId, {
        name: optionalString(body, 'client_name'), redirectUris: optionalStrings(body, 'redirect_uris'),
        postLogoutRedirectUris: optionalStrings(body, 'post_logout_redirect_uris'), grantTypes: optionalStrings(body, 'grant_types'),
        scope: optionalString(body, 'scope'), backchannelLogoutUri: backchannel,
      }, sensitiveScopePolicy(ctx));
      return { result: updated, audit: { action: 'client.updated', communeSlug: current.communeSlug, target: `client:${current.clientId}`, before: clientJson(current), after: clientJson(updated) } };
    });
    deps.registry.forget(client.clientId);
    ctx.body = clientJson(client);
  });

  for (const [path, isEnabled] of [['disable', false], ['enable', true]] as const) {
    router.post(`/communes/:slug/clients/:clientId/${path}`, async (ctx) => {
      const current = await clientOfCommune(deps, ctx);
      const client = await audited(deps, ctx, async (db) => {
        const updated = await deps.registryFor(db).setClientEnabled(current.clientId, isEnabled);
        return { result: updated, audit: { action: `client.${path}d`, communeSlug: current.communeSlug, target: `client:${current.clientId}`, before: { enabled: current.isEnabled }, after: { enabled: isEnabled } } };
      });
      deps.registry.forget(client.clientId);
      ctx.body = clientJson(client);
    });
  }

  router.post('/communes/:slug/clients/:clientId/secret', async (ctx) => {
    const current = await clientOfCommune(deps, ctx);
    const { client, clientSecret } = await audited(deps, ctx, async (db) => {
      const rotated = await deps.registryFor(db).rotateClientSecret(current.clientId);
      // The audit says that the secret changed, never what it is.
      return { result: rotated, audit: { action: 'client.secret_rotated', communeSlug: current.communeSlug, target: `client:${current.clientId}` } };
    });
    deps.registry.forget(client.clientId);
    ctx.body = { ...clientJson(client), client_secret: clientSecret };
  });

  router.delete('/communes/:slug/clients/:clientId', async (ctx) => {
    const current = await clientOfCommune(deps, ctx);
    await audited(deps, ctx, async (db) => {
      await deps.registryFor(db).deleteClient(current.clientId);
      return { result: undefined, audit: { action: 'client.deleted', communeSlug: current.communeSlug, target: `client:${current.clientId}`, before: clientJson(current) } };
    });
    deps.registry.forget(current.clientId);
    ctx.status = 204;
  });
}
