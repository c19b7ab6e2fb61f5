// Self-registration for commune IT (RFC 7591, managed per RFC 7592): open only with an initial access
// token bound to one commune; what registers lands in that commune's registry under the same rules as
// `glc client add`, sensitive scopes waiting for the Métropole's approval, each change audited.
import type { KoaContextWithOIDC } from 'oidc-provider';
import Provider, { errors } from 'oidc-provider';
import { levelOf, strongest } from '../accounts/index.js';
import type { OutboundAllowList } from '../config.js';
import type { Pool, Queryable } from '../db/index.js';
import { AppError } from '../errors.js';
import { audited, type Actor } from '../operators/index.js';
import {
  buildClientMetadata,
  clientJson,
  isRedirectUriField,
  needsSectorIdentifier,
  splitSensitiveScopes,
  type ClientMetadata,
  type Clients,
  type Communes,
  type RegistrationTokenBindings,
} from '../registry/index.js';
import { communeSectorUri } from './sector.js';

export const COMMUNE_POLICY = 'commune';

/** Properties the library keeps about a registered client beside the metadata we accept. */
const LIBRARY_PROPERTIES = ['client_id', 'client_secret', 'client_id_issued_at', 'client_secret_expires_at'];

type Properties = Record<string, unknown>;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** A back-channel logout URI, registered with its session requirement (our logout tokens always carry sid). */
const backchannelLogoutOf = (uri: string | undefined) =>
  uri ? { backchannel_logout_uri: uri, backchannel_logout_session_required: true } : {};

/**
 * The registrant's default_acr_values, kept as one minimum: the strongest level it names, or the first value
 * we do not know (then refused by the registry's rules).
 */
function minimumOf(values: string[] | undefined): string | undefined {
  if (!values?.length) return undefined;
  return values.find((value) => levelOf(value) === undefined) ?? strongest(values);
}

/** The registration policy: finds the commune, applies our rules, keeps only the metadata we support. */
export function createCommunePolicy(
  registry: Pick<RegistrationTokenBindings, 'registrationTokenCommune'> & Pick<Communes, 'getCommune'> & Pick<Clients, 'getClient'>,
  issuer: string,
  outboundAllowList: OutboundAllowList,
) {
  return async (ctx: KoaContextWithOIDC, properties: Properties): Promise<void> => {
    const initial = ctx.oidc.entities.InitialAccessToken;
    const existing = ctx.oidc.client as unknown as { commune?: string; clientId: string } | undefined;
    const slug = initial ? await registry.registrationTokenCommune(initial.jti) : existing?.commune;
    if (!slug) throw new errors.InvalidClientMetadata('this initial access token registers into no commune');
    const commune = await registry.getCommune(slug);

    let metadata: ClientMetadata;
    try {
      metadata = buildClientMetadata(
        {
          name: text(properties.client_name) ?? 'unnamed client',
          redirectUris: strings(properties.redirect_uris),
          postLogoutRedirectUris: strings(properties.post_logout_redirect_uris),
          grantTypes: strings(properties.grant_types),
          isPublic: properties.token_endpoint_auth_method === 'none',
          scope: text(properties.scope),
          subjectType: text(properties.subject_type),
          backchannelLogoutUri: text(properties.backchannel_logout_uri),
          minimumAcr: minimumOf(strings(properties.default_acr_values)),
        },
        { outboundAllowList },
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (isRedirectUriField(error.details.field)) throw new errors.InvalidRedirectUri(error.message);
      throw new errors.InvalidClientMetadata(error.message);
    }
    const approved = existing ? (await registry.getClient(existing.clientId)).metadata.scope.split(' ') : [];
    const { granted, pending } = splitSensitiveScopes(metadata.scope, approved);

    for (const key of Object.keys(properties)) {
      // The library's own object, emptied in place of what the registrant sent: the registry's metadata replaces it.
      if (!LIBRARY_PROPERTIES.includes(key)) Reflect.deleteProperty(properties, key);
    }
    Object.assign(properties, metadata, {
      scope: granted,
      commune: commune.slug,
      commune_name: commune.name,
      first_party: false,
      operator_tool: false,
      ...(pending.length ? { pending_scope: pending.join(' ') } : {}),
      ...(needsSectorIdentifier(metadata) ? { sector_identifier_uri: communeSectorUri(issuer, commune.slug) } : {}),
    });
  };
}

/** Who registers (RFC 7591) or manages (RFC 7592) a client, for the audit: the token presented and its address. */
function registrant(): Actor {
  const ctx = Provider.ctx;
  const label = ctx?.oidc.entities.InitialAccessToken ? 'initial access token' : 'registration access token';
  return { actor: 'registration', label, origin: ctx?.ip };
}

/**
 * The Client model's storage: registered clients go to the registry of their commune, each change with its
 * audit row in one transaction (the commune reads it in its audit log).
 */
export function registeredClientStore(
  pool: Pool,
  registryOver: (db: Queryable) => Pick<Clients, 'saveRegisteredClient' | 'deleteClient' | 'getClient'>,
) {
  return {
    async upsert(clientId: string, payload: Properties): Promise<void> {
      const { client_secret: secret, commune, pending_scope: pending, ...rest } = payload;
      const metadata: ClientMetadata = {
        client_name: text(rest.client_name) ?? 'unnamed client',
        redirect_uris: strings(rest.redirect_uris) ?? [],
        post_logout_redirect_uris: strings(rest.post_logout_redirect_uris) ?? [],
        grant_types: (strings(rest.grant_types) ?? []) as ClientMetadata['grant_types'],
        response_types: strings(rest.response_types) ?? [],
        token_endpoint_auth_method: rest.token_endpoint_auth_method === 'none' ? 'none' : 'client_secret_basic',
        scope: text(rest.scope) ?? 'openid',
        subject_type: rest.subject_type === 'public' ? 'public' : 'pairwise',
        application_type: 'web',
        ...backchannelLogoutOf(text(rest.backchannel_logout_uri)),
        ...(strings(rest.default_acr_values)?.length ? { default_acr_values: strings(rest.default_acr_values) } : {}),
      };
      const pendingScopes = text(pending)?.split(' ') ?? [];
      await audited(pool, registrant(), async (tx) => {
        const { before, after } = await registryOver(tx).saveRegisteredClient(
          String(commune),
          clientId,
          metadata,
          text(secret),
          pendingScopes,
        );
        return {
          result: undefined,
          audit: {
            action: before ? 'client.updated' : 'client.registered',
            communeSlug: after.communeSlug,
            target: `client:${clientId}`,
            ...(before ? { before: clientJson(before) } : {}),
            after: { ...clientJson(after), ...(pendingScopes.length ? { pending_scopes: pendingScopes } : {}) },
          },
        };
      });
    },
    destroy: (clientId: string) =>
      audited(pool, registrant(), async (tx) => {
        const registry = registryOver(tx);
        const before = await registry.getClient(clientId);
        await registry.deleteClient(clientId);
        return {
          result: undefined,
          audit: { action: 'client.deleted', communeSlug: before.communeSlug, target: `client:${clientId}`, before: clientJson(before) },
        };
      }),
  };
}
