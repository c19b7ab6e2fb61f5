// What the library accepts as client metadata: the part of its configuration that governs a client
// (scopes and claims, subject types, defaults, authentication methods, algorithms, the features that add
// metadata), written once for the serving provider and for the one that only checks metadata. That one
// serves nothing: the command line and the registry validate with it before anything is written.
import { ACR_VALUES } from '../accounts/index.js';
import Provider, { errors, type Adapter, type Configuration } from 'oidc-provider';
import { CLAIMS_BY_SCOPE } from '../accounts/index.js';
import type { Config } from '../config.js';
import { invalid } from '../errors.js';
import type { ProviderClientMetadata } from '../registry/index.js';
import type { KeyMaterial } from './keys.js';
import { createOutboundFetch } from './outbound.js';
import { isCommuneSectorUri } from './sector.js';

export const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'phone', 'address', 'legacy_id', 'identite_pivot'];

/** The features that add client metadata: back-channel logout and post-logout URIs, grant types, endpoints' use. */
const CLIENT_FEATURES = {
  backchannelLogout: { enabled: true },
  clientCredentials: { enabled: true },
  deviceFlow: { enabled: true },
  rpInitiatedLogout: { enabled: true },
  introspection: { enabled: true },
  revocation: { enabled: true },
} satisfies Configuration['features'];

type Features = NonNullable<Configuration['features']>;

/** The serving provider's features, with the client features switched on. */
export function withClientFeatures(features: Configuration['features'] = {}): Features {
  const merged: Record<string, unknown> = { ...features };
  for (const [name, switched] of Object.entries(CLIENT_FEATURES)) merged[name] = { ...features[name as keyof Features], ...switched };
  return merged;
}

export function clientSchemaConfiguration(config: Pick<Config, 'issuer' | 'outboundAllowList'>) {
  return {
    // Every ID token says how its sign-in was made (acr, amr, auth_time), asked for or not: a site checks it.
    claims: { ...CLAIMS_BY_SCOPE, openid: ['sub', 'acr', 'amr', 'auth_time'] } as unknown as Configuration['claims'],
    // Advertised in discovery, and the only values a client's default_acr_values may hold.
    acrValues: [...ACR_VALUES],
    scopes: SCOPES,
    subjectTypes: ['public', 'pairwise'],
    sectorIdentifierUriValidate: (client) => !isCommuneSectorUri(config.issuer, client.sectorIdentifierUri),
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
    },
    // The registry issues only these two. The library takes a secret in the body and one in the Basic header
    // as the same method, so leaving client_secret_post enabled let a client_secret_basic client post its
    // secret; without it the body's client_secret is not read at all and such a request is invalid_client.
    clientAuthMethods: ['client_secret_basic', 'none'],
    extraClientMetadata: {
      properties: [
        'commune',
        'commune_name',
        'first_party',
        'operator_tool',
        'pending_scope',
        'resource_indicators',
        'access_token_format',
      ],
    },
    responseTypes: ['code', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
    },
    fetch: createOutboundFetch(config.outboundAllowList),
  } satisfies Configuration;
}

export interface ClientSchemaDeps {
  config: Pick<Config, 'issuer' | 'outboundAllowList'>;
  /** The signing keys (the library wants keys; these are never used to sign here). */
  keys: Pick<KeyMaterial, 'jwks'>;
  /** The database's storage, for the library's models made here (initial access tokens). */
  adapter: (model: string) => Adapter;
}

export interface ClientSchema {
  /** Checks client metadata with the library's own client schema; a refusal names what is wrong. */
  validate: (metadata: ProviderClientMetadata) => Promise<void>;
  /** The library's models (an initial access token is minted from one). */
  provider: Provider;
}

/** A provider configured only with what governs clients, built once, serving no request. */
export function createClientSchema({ config, keys, adapter }: ClientSchemaDeps): ClientSchema {
  const jwks = { keys: keys.jwks as NonNullable<Configuration['jwks']>['keys'] };
  // It serves no interaction: the library's development pages stay off, as in the serving provider.
  const features = { ...CLIENT_FEATURES, devInteractions: { enabled: false } };
  const provider = new Provider(config.issuer, { ...clientSchemaConfiguration(config), features, jwks, adapter });
  return {
    provider,
    async validate(metadata) {
      try {
        await provider.Client.validate(metadata as never);
      } catch (error) {
        if (error instanceof errors.InvalidClientMetadata) {
          throw invalid('client_metadata_invalid', (error as { error_description?: string }).error_description ?? error.message);
        }
        throw error;
      }
    },
  };
}
