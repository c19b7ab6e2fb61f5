// /communes/{slug}/clients: a commune's relying parties, managed by its referents, its syndicate and the Métropole.
import type { Context } from 'koa';
import { Type, type Static } from 'typebox';
import { AppError, invalid, notFound } from '../errors.js';
import { isMetropoleAdmin, type AuditedChange, type Principal } from '../operators/index.js';
import { ACR_VALUES } from '../accounts/index.js';
import { clientJson, MAX_SECRET_OVERLAP_SECONDS, type ClientRecord, type Registry } from '../registry/index.js';
import { issueCommuneToken } from '../services/index.js';
import { actorOf, audited, paginate, type AdminDeps, type ApiPolicy } from './context.js';
import { created, noContent, ok, route } from './route.js';
import { Client, Page, pagingQuery } from './schemas.js';

const SlugParam = Type.Object({ slug: Type.String({ description: "The commune's slug" }) });
const ClientParams = Type.Object({ ...SlugParam.properties, clientId: Type.String({ description: "The client's client_id" }) });
type ClientPath = Static<typeof ClientParams>;
const Uris = (description: string) => Type.Array(Type.String(), { description });
const metadata = {
  client_name: Type.String({ description: 'What citizens see on the consent page' }),
  redirect_uris: Uris('Exact https URIs (http only on localhost), no fragment, no wildcard'),
  post_logout_redirect_uris: Uris('Where the client may send the citizen back after signing out, with the same rules'),
  grant_types: Type.Array(Type.String(), {
    description: 'authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code',
  }),
  scope: Type.String({ description: "Space-separated; sensitive scopes wait for the Métropole's approval unless a metropole-admin asks" }),
};
const MinimumAcr = Type.Array(Type.Enum([...ACR_VALUES]), {
  maxItems: 1,
  description: 'The minimum assurance level of a sign-in at this client, whatever its requests ask (one value)',
});

/** Only the Métropole grants sensitive scopes at once; for other operators they wait for its approval. */
function sensitiveScopePolicy(principal: Principal) {
  return { requestedBy: principal.label, mayGrantSensitive: isMetropoleAdmin(principal) };
}

/**
 * First-party clients skip consent: a citizen signing in to one shares identity scopes without being asked.
 * Only the Métropole makes one (here, or the CLI); a referent asking for it is refused, not ignored.
 */
function checkFirstParty(principal: Principal, isFirstParty: boolean): void {
  if (isFirstParty && !isMetropoleAdmin(principal)) {
    throw new AppError('forbidden', 'forbidden', 'first_party: only a metropole-admin makes a first-party client', {
      field: 'first_party',
    });
  }
}

/**
 * The client, if it belongs to the commune of the path. A client of another commune is simply not there: the
 * same refusal, word for word, as a client nobody registered, so that an operator cannot learn which exist.
 */
async function clientOfCommune(deps: AdminDeps, { slug, clientId }: ClientPath): Promise<ClientRecord> {
  const refusal = notFound('client_not_found', `no client "${clientId}" in commune "${slug}"`);
  const client = await deps.registry.getClient(clientId).catch((error: unknown) => {
    throw error instanceof AppError && error.kind === 'not_found' ? refusal : error;
  });
  if (client.communeSlug !== slug) throw refusal;
  return client;
}

/**
 * A change to a client of the path's commune and its audit row, in one transaction (the registry drops the
 * client's cached copy, on every instance, once it is committed).
 */
async function changeClient<T>(
  deps: AdminDeps,
  ctx: Context,
  params: ClientPath,
  change: (registry: Registry, current: ClientRecord) => Promise<{ result: T; audit: Pick<AuditedChange, 'action' | 'before' | 'after'> }>,
): Promise<T> {
  const current = await clientOfCommune(deps, params);
  return audited(deps, ctx, async (db) => {
    const { result, audit } = await change(deps.registryFor(db), current);
    return { result, audit: { ...audit, communeSlug: current.communeSlug, target: `client:${current.clientId}` } };
  });
}

const NO_CLIENT = 'No such commune, or no such client in it';

/** A client as this API shows it: while a rotation's overlap runs, when the previous secret stops (never the secret). */
const ClientJson = Type.Object(
  {
    ...Client.properties,
    previous_secret_expires_at: Type.Optional(
      Type.String({ format: 'date-time', description: 'While the secret a rotation replaced still works: when it stops' }),
    ),
  },
  { examples: (Client as { examples?: unknown[] }).examples },
);

/** Switches a client off (the provider no longer knows it, its tokens stop working) or on again. */
const switchRoute = (action: 'disable' | 'enable') =>
  route({
    method: 'POST',
    path: `/communes/{slug}/clients/{clientId}/${action}`,
    operationId: `${action}Client`,
    tag: 'clients',
    permission: 'manages-path-commune',
    summary: action === 'disable' ? 'Disable a client' : 'Enable a client',
    description:
      action === 'disable'
        ? 'The provider no longer knows the client: no sign-in, no token, and its tokens stop opening anything (audited).'
        : 'The client works again with its metadata and secret as they were (audited).',
    params: ClientParams,
    answers: { 200: { description: action === 'disable' ? 'Disabled' : 'Enabled', schema: ClientJson } },
    refusals: { 404: NO_CLIENT },
    async handle({ params, deps, ctx }) {
      const isEnabled = action === 'enable';
      const client = await changeClient(deps, ctx, params, async (registry, current) => ({
        result: await registry.setClientEnabled(current.clientId, isEnabled),
        audit: { action: `client.${action}d`, before: { enabled: current.isEnabled }, after: { enabled: isEnabled } },
      }));
      return ok(clientJson(client));
    },
  });

export const clientRoutes = ({ pageSize, secretRotationOverlapSeconds }: ApiPolicy) => [
  route({
    method: 'GET',
    path: '/communes/{slug}/clients',
    operationId: 'listClients',
    tag: 'clients',
    permission: 'manages-path-commune',
    summary: "List a commune's clients",
    description: 'The relying parties of a commune the operator manages, by pages. No secret is shown.',
    params: SlugParam,
    query: Type.Object(pagingQuery(pageSize)),
    answers: { 200: { description: "The commune's clients", schema: Page(ClientJson) } },
    refusals: { 404: 'No such commune' },
    async handle({ params, query, deps }) {
      return ok(paginate((await deps.registry.listClients(params.slug)).map(clientJson), query));
    },
  }),

  route({
    method: 'POST',
    path: '/communes/{slug}/clients',
    operationId: 'createClient',
    tag: 'clients',
    permission: 'manages-path-commune',
    summary: 'Register a client',
    description:
      'Registers a relying party of the commune (audited). Confidential (client_secret_basic) unless token_endpoint_auth_method is none; pairwise subjects unless subject_type is public. The secret is shown once, in this answer.',
    params: SlugParam,
    body: Type.Object({
      client_name: metadata.client_name,
      ...Type.Partial(
        Type.Object({
          redirect_uris: metadata.redirect_uris,
          post_logout_redirect_uris: metadata.post_logout_redirect_uris,
          grant_types: metadata.grant_types,
          token_endpoint_auth_method: Type.Enum(['client_secret_basic', 'none'], { description: 'none: a public client (PKCE required)' }),
          scope: metadata.scope,
          subject_type: Type.Enum(['public', 'pairwise']),
          default_acr_values: MinimumAcr,
          backchannel_logout_uri: Type.String({
            description: 'Called on sign-out; https, and not a private address unless OUTBOUND_ALLOWLIST admits it',
          }),
          first_party: Type.Boolean({ description: 'Skips consent: metropole-admin only' }),
        }),
      ).properties,
    }),
    example: {
      client_name: 'oullins.fr',
      redirect_uris: ['https://www.oullins.fr/cb'],
      post_logout_redirect_uris: ['https://www.oullins.fr/'],
    },
    answers: { 201: { description: 'Created; client_secret is shown once', schema: ClientJson } },
    refusals: { 404: 'No such commune' },
    async handle({ params, body, principal, deps, ctx }) {
      const isFirstParty = body.first_party ?? false;
      checkFirstParty(principal, isFirstParty);
      const { client, clientSecret } = await audited(deps, ctx, async (db) => {
        const added = await deps.registryFor(db).addClient(
          params.slug,
          {
            name: body.client_name,
            redirectUris: body.redirect_uris,
            postLogoutRedirectUris: body.post_logout_redirect_uris,
            grantTypes: body.grant_types,
            isPublic: body.token_endpoint_auth_method === 'none',
            scope: body.scope,
            subjectType: body.subject_type,
            backchannelLogoutUri: body.backchannel_logout_uri,
            minimumAcr: body.default_acr_values?.[0],
          },
          { isFirstParty, ...sensitiveScopePolicy(principal) },
        );
        return {
          result: added,
          audit: {
            action: 'client.created',
            communeSlug: params.slug,
            target: `client:${added.client.clientId}`,
            after: clientJson(added.client),
          },
        };
      });
      return created(
        { ...clientJson(client), ...(clientSecret ? { client_secret: clientSecret } : {}) },
        `/admin/api/v1/communes/${params.slug}/clients/${client.clientId}`,
      );
    },
  }),

  route({
    method: 'GET',
    path: '/communes/{slug}/clients/{clientId}',
    operationId: 'getClient',
    tag: 'clients',
    permission: 'manages-path-commune',
    summary: 'Read a client',
    description: 'One client of the commune, without its secret.',
    params: ClientParams,
    answers: { 200: { description: 'The client', schema: ClientJson } },
    refusals: { 404: NO_CLIENT },
    async handle({ params, deps }) {
      return ok(clientJson(await clientOfCommune(deps, params)));
    },
  }),

  route({
    method: 'PATCH',
    path: '/communes/{slug}/clients/{clientId}',
    operationId: 'updateClient',
    tag: 'clients',
    permission: 'manages-path-commune',
    summary: 'Update a client',
    description: 'Changes the metadata given, with the rules of registration; keeps the rest (audited, before and after).',
    params: ClientParams,
    body: Type.Partial(
      Type.Object({
        ...metadata,
        backchannel_logout_uri: Type.Union([Type.String(), Type.Null()], { description: 'null removes it' }),
        default_acr_values: Type.Union([MinimumAcr, Type.Null()], { description: 'null or [] removes the minimum' }),
      }),
    ),
    example: { client_name: 'Ville d’Oullins', redirect_uris: ['https://www.oullins.fr/callback'] },
    answers: { 200: { description: 'Updated', schema: ClientJson } },
    refusals: { 404: NO_CLIENT },
    async handle({ params, body, principal, deps, ctx }) {
      const client = await changeClient(deps, ctx, params, async (registry, current) => {
        const updated = await registry.updateClient(
          current.clientId,
          {
            name: body.client_name,
            redirectUris: body.redirect_uris,
            postLogoutRedirectUris: body.post_logout_redirect_uris,
            grantTypes: body.grant_types,
            scope: body.scope,
            backchannelLogoutUri: body.backchannel_logout_uri,
            minimumAcr: body.default_acr_values === null ? null : body.default_acr_values && (body.default_acr_values[0] ?? null),
          },
          sensitiveScopePolicy(principal),
        );
        return { result: updated, audit: { action: 'client.updated', before: clientJson(current), after: clientJson(updated) } };
      });
      return ok(clientJson(client));
    },
  }),

  switchRoute('disable'),
  switchRoute('enable'),

  route({
    method: 'POST',
    path: '/communes/{slug}/clients/{clientId}/secret',
    operationId: 'rotateClientSecret',
    tag: 'clients',
    permission: 'manages-path-commune',
    summary: "Rotate a client's secret",
    description: `A new secret, shown once in this answer. The one it replaces keeps working for overlap_seconds (default ${secretRotationOverlapSeconds} s; 0 ends it at once, after a leak), then the token, introspection and revocation endpoints refuse it (invalid_client). A confidential client only (audited, without either secret).`,
    params: ClientParams,
    body: Type.Object({
      overlap_seconds: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: MAX_SECRET_OVERLAP_SECONDS,
          description: `How long the previous secret keeps working, in seconds (0 to ${MAX_SECRET_OVERLAP_SECONDS}); default ${secretRotationOverlapSeconds}`,
        }),
      ),
    }),
    example: { overlap_seconds: 86_400 },
    answers: {
      200: {
        description: 'The new secret, shown once, and when the previous one stops (null: it stopped at once)',
        schema: Type.Object({
          ...ClientJson.properties,
          client_secret: Type.String({ description: 'The new secret: shown once' }),
          previous_secret_expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
            description: 'When the previous secret stops working; null when it stopped at once',
          }),
        }),
      },
    },
    refusals: { 404: NO_CLIENT },
    async handle({ params, body, deps, ctx }) {
      const overlapSeconds = body.overlap_seconds ?? deps.policy.secretRotationOverlapSeconds;
      const rotated = await changeClient(deps, ctx, params, async (registry, current) => {
        const result = await registry.rotateClientSecret(current.clientId, overlapSeconds);
        // The audit says that the secret changed and how long the old one lasts, never either secret.
        const previousSecretExpiresAt = result.previousSecretExpiresAt?.toISOString() ?? null;
        return {
          result,
          audit: {
            action: 'client.secret_rotated',
            after: { overlap_seconds: overlapSeconds, previous_secret_expires_at: previousSecretExpiresAt },
          },
        };
      });
      return ok({
        ...clientJson(rotated.client),
        client_secret: rotated.clientSecret,
        previous_secret_expires_at: rotated.previousSecretExpiresAt?.toISOString() ?? null,
      });
    },
  }),

  route({
    method: 'POST',
    path: '/communes/{slug}/registration-tokens',
    operationId: 'issueRegistrationToken',
    tag: 'clients',
    permission: 'manages-path-commune',
    summary: 'Issue an initial access token for dynamic registration',
    description:
      'A token with which a site registers itself into the commune (RFC 7591, at the registration_endpoint), as `glc commune token` issues it: valid ttl_seconds (default and bounds: operators.communeTokenTtlSeconds, 7 days as shipped), shown once in this answer (audited with its expiry, never the token).',
    params: SlugParam,
    body: Type.Object({
      ttl_seconds: Type.Optional(
        Type.Integer({ minimum: 1, description: 'How long the token is valid, in seconds, within operators.communeTokenTtlSeconds' }),
      ),
    }),
    example: { ttl_seconds: 86_400 },
    answers: {
      201: {
        description: 'The token, shown once',
        schema: Type.Object(
          {
            initial_access_token: Type.String({ description: 'The bearer token of the registration request: shown once' }),
            commune: Type.String({ description: 'The commune the registered sites will belong to' }),
            expires_at: Type.String({ format: 'date-time' }),
            registration_endpoint: Type.String({ format: 'uri' }),
          },
          { additionalProperties: false },
        ),
      },
    },
    refusals: { 404: 'No such commune' },
    async handle({ params, body, deps, ctx }) {
      const bounds = deps.registrationTokens.ttlSeconds;
      const ttl = body.ttl_seconds ?? bounds.default;
      if (ttl < bounds.min || ttl > bounds.max) {
        throw invalid('registration_token_ttl_invalid', `ttl_seconds: ${bounds.min} to ${bounds.max} seconds`, { field: 'ttl_seconds' });
      }
      const commune = await deps.registry.getCommune(params.slug);
      const { token, expiresAt } = await issueCommuneToken(deps.pool, deps.registrationTokens, actorOf(ctx), commune.slug, ttl);
      // No Location: a token is no resource of this API (it is spent at the registration endpoint).
      return {
        status: 201 as const,
        body: {
          initial_access_token: token,
          commune: commune.slug,
          expires_at: expiresAt.toISOString(),
          registration_endpoint: `${deps.issuer}/reg`,
        },
      };
    },
  }),

  route({
    method: 'DELETE',
    path: '/communes/{slug}/clients/{clientId}',
    operationId: 'deleteClient',
    tag: 'clients',
    permission: 'manages-path-commune',
    summary: 'Delete a client',
    description: 'Removes the client and what the provider holds for it (audited, with the client as it was).',
    params: ClientParams,
    answers: { 204: { description: 'Deleted' } },
    refusals: { 404: NO_CLIENT },
    async handle({ params, deps, ctx }) {
      await changeClient(deps, ctx, params, async (registry, current) => {
        await registry.deleteClient(current.clientId);
        return { result: undefined, audit: { action: 'client.deleted', before: clientJson(current) } };
      });
      return noContent();
    },
  }),
];
