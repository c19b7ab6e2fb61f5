// What an operator asks for (CLI flags, API body) → OIDC client metadata, with our registry's rules (pure):
// exact https redirect URIs (http only on localhost), no fragments, no wildcards; sensible defaults; a
// back-channel logout URI off loopback and private networks unless OUTBOUND_ALLOWLIST admits its host.
import type { OutboundAllowList } from '../config.js';
import { ACR_VALUES } from '../accounts/index.js';
import { invalid } from '../errors.js';
import { isAdmittedCallbackHost } from './outbound-target.js';

export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export const SUPPORTED_SCOPES = [
  'openid',
  'profile',
  'email',
  'phone',
  'address',
  'offline_access',
  'identite_pivot',
  'legacy_id',
] as const;

/** What any site may ask for at once; every other scope waits for the Métropole's approval. */
export const FREE_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'legacy_id'] as const;

/** Splits a requested scope into what is granted now and what needs approval (given what is approved already). */
export function splitSensitiveScopes(scope: string, alreadyApproved: string[] = []): { granted: string; pending: string[] } {
  const requested = scope.split(/\s+/).filter(Boolean);
  const isGranted = (s: string) => (FREE_SCOPES as readonly string[]).includes(s) || alreadyApproved.includes(s);
  return { granted: requested.filter(isGranted).join(' '), pending: requested.filter((s) => !isGranted(s)) };
}

export interface ClientRequest {
  name: string;
  redirectUris?: string[] | undefined;
  postLogoutRedirectUris?: string[] | undefined;
  grantTypes?: string[] | undefined;
  isPublic?: boolean | undefined;
  scope?: string | undefined;
  subjectType?: string | undefined;
  backchannelLogoutUri?: string | undefined;
  /** The lowest assurance level a sign-in at this client may have (its default_acr_values). */
  minimumAcr?: string | undefined;
  /** The APIs (RFC 8707 resource indicators) its client-credentials tokens may be asked for. */
  resources?: string[] | undefined;
  /** opaque (default: a row per token, revocable) or jwt (RFC 9068, signed, no row, not revocable). */
  accessTokenFormat?: string | undefined;
}

/** The metadata we store (RFC 7591 names). client_id and client_secret are added by the registry. */
export interface ClientMetadata {
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: GrantType[];
  response_types: string[];
  token_endpoint_auth_method: 'client_secret_basic' | 'none';
  scope: string;
  subject_type: 'public' | 'pairwise';
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  /** One level: the minimum a sign-in at this client must reach, whatever its request says (oidc/assurance-policy). */
  default_acr_values?: string[];
  application_type: 'web' | 'native';
  /** Added when the client is loaded, never stored: see sectorIdentifierUri in the registry. */
  sector_identifier_uri?: string;
  /** Ours, not RFC 7591: the resource indicators its client-credentials tokens may name as audience. */
  resource_indicators?: string[];
  /** Ours: present only when its tokens for those resources are JWTs (RFC 9068). */
  access_token_format?: 'jwt';
}

/**
 * The fields a refusal names for the URIs a browser is sent to: each redirect URI, the list of them, each
 * URI after logout. Their refusals are RFC 7591's invalid_redirect_uri; any other field's is
 * invalid_client_metadata (the back-channel logout URI is called by the server, not a redirect).
 */
export const REDIRECT_URI_FIELDS = {
  redirectUri: 'redirect_uri',
  redirectUris: 'redirect_uris',
  postLogoutRedirectUri: 'post_logout_redirect_uri',
} as const;

const REDIRECT_URI_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(REDIRECT_URI_FIELDS));

/** Whether a refusal's `field` is one of the redirect URIs (REDIRECT_URI_FIELDS). */
export const isRedirectUriField = (field: unknown): boolean => typeof field === 'string' && REDIRECT_URI_FIELD_NAMES.has(field);

/** A pairwise client with redirect URIs on several hosts needs a sector_identifier_uri in the provider's schema. */
export function needsSectorIdentifier(metadata: ClientMetadata): boolean {
  return metadata.subject_type === 'pairwise' && new Set(metadata.redirect_uris.map((uri) => new URL(uri).host)).size > 1;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost');
}

/** What the server itself calls (back-channel logout): the hosts OUTBOUND_ALLOWLIST lets it reach though private. */
export interface CallbackPolicy {
  /** Absent: no loopback, private or link-local host is admitted (the strict default). */
  outboundAllowList?: OutboundAllowList | undefined;
}

/**
 * A registered URI: absolute, https (http on localhost only), no fragment, no wildcard. One the server calls
 * (`callback`) must not name a loopback, private or link-local host that OUTBOUND_ALLOWLIST does not admit.
 */
export function checkRegisteredUri(value: string, field: string, callback?: CallbackPolicy): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('uri_invalid', `${field}: "${value}" is not an absolute URL`, { field });
  }
  if (value.includes('*')) throw invalid('uri_wildcard', `${field}: wildcards are not allowed ("${value}")`, { field });
  if (url.hash || value.includes('#')) throw invalid('uri_fragment', `${field}: fragments are not allowed ("${value}")`, { field });
  if (url.username || url.password) throw invalid('uri_invalid', `${field}: credentials in URLs are not allowed`, { field });
  // Before the https rule, so that the refusal names the real reason (https://10.0.0.1/ is no better).
  if (callback && !isAdmittedCallbackHost(url.hostname, callback.outboundAllowList)) {
    throw invalid(
      'uri_private_address',
      `${field}: "${value}" names a loopback, private or link-local address (OUTBOUND_ALLOWLIST may admit it)`,
      { field },
    );
  }
  if (url.protocol === 'http:' && !isLoopback(url)) {
    throw invalid('uri_not_https', `${field}: must use https (http only on localhost), got "${value}"`, { field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid('uri_not_https', `${field}: must use https, got "${value}"`, { field });
  }
  return value;
}

export function buildClientMetadata(request: ClientRequest, callback: CallbackPolicy = {}): ClientMetadata {
  const name = request.name.trim();
  if (!name || name.length > 200) throw invalid('client_name_invalid', 'name must be 1 to 200 characters', { field: 'name' });

  const grantTypes = request.grantTypes?.length ? request.grantTypes : ['authorization_code', 'refresh_token'];
  for (const grantType of grantTypes) {
    if (!(GRANT_TYPES as readonly string[]).includes(grantType)) {
      throw invalid('grant_type_invalid', `grant-type: "${grantType}" is not one of ${GRANT_TYPES.join(', ')}`, { field: 'grant_types' });
    }
  }
  const usesRedirects = grantTypes.includes('authorization_code');
  const redirectUris = (request.redirectUris ?? []).map((uri) => checkRegisteredUri(uri, REDIRECT_URI_FIELDS.redirectUri));
  if (usesRedirects && redirectUris.length === 0) {
    throw invalid('redirect_uri_missing', 'redirect_uri: at least one is required for authorization_code', {
      field: REDIRECT_URI_FIELDS.redirectUris,
    });
  }
  const isPublic = request.isPublic ?? false;
  if (isPublic && grantTypes.includes('client_credentials')) {
    throw invalid('grant_type_invalid', 'client_credentials needs a confidential client', { field: 'grant_types' });
  }

  const scopes = (request.scope ?? 'openid profile email').split(/\s+/).filter(Boolean);
  for (const scope of scopes) {
    if (!(SUPPORTED_SCOPES as readonly string[]).includes(scope)) {
      throw invalid('scope_invalid', `scope: "${scope}" is not one of ${SUPPORTED_SCOPES.join(' ')}`, { field: 'scope' });
    }
  }
  // Kiosks (device_code) get public subjects by default: the provider requires private_key_jwt of
  // pairwise device clients, which a kiosk cannot keep secret.
  const subjectType = request.subjectType ?? (grantTypes.includes('urn:ietf:params:oauth:grant-type:device_code') ? 'public' : 'pairwise');
  if (subjectType !== 'public' && subjectType !== 'pairwise') {
    throw invalid('subject_type_invalid', 'subject-type must be public or pairwise', { field: 'subject_type' });
  }

  if (subjectType === 'pairwise' && grantTypes.includes('urn:ietf:params:oauth:grant-type:device_code')) {
    throw invalid(
      'subject_type_invalid',
      'subject-type: device_code clients get public subjects (pairwise ones would need private_key_jwt)',
      { field: 'subject_type' },
    );
  }
  const metadata: ClientMetadata = {
    client_name: name,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: (request.postLogoutRedirectUris ?? []).map((uri) =>
      checkRegisteredUri(uri, REDIRECT_URI_FIELDS.postLogoutRedirectUri),
    ),
    grant_types: [...new Set(grantTypes)] as GrantType[],
    response_types: usesRedirects ? ['code'] : [],
    token_endpoint_auth_method: isPublic ? 'none' : 'client_secret_basic',
    scope: [...new Set(scopes)].join(' '),
    subject_type: subjectType,
    application_type: 'web',
  };
  if (request.minimumAcr !== undefined) {
    if (!(ACR_VALUES as readonly string[]).includes(request.minimumAcr)) {
      throw invalid('acr_invalid', `acr: "${request.minimumAcr}" is not one of ${ACR_VALUES.join(' ')}`, { field: 'default_acr_values' });
    }
    metadata.default_acr_values = [request.minimumAcr];
  }
  if (request.backchannelLogoutUri) {
    metadata.backchannel_logout_uri = checkRegisteredUri(request.backchannelLogoutUri, 'backchannel_logout_uri', callback);
    metadata.backchannel_logout_session_required = true;
  }
  return { ...metadata, ...resourceMetadata(request, metadata.grant_types) };
}

/**
 * The APIs a client may ask client-credentials tokens for, and their format. A JWT needs an audience, so
 * it comes with at least one resource; resources only serve the client-credentials grant (a citizen's
 * tokens stay opaque, for userinfo).
 */
function resourceMetadata(
  request: ClientRequest,
  grantTypes: GrantType[],
): Pick<ClientMetadata, 'resource_indicators' | 'access_token_format'> {
  const format = request.accessTokenFormat ?? 'opaque';
  if (format !== 'opaque' && format !== 'jwt') {
    throw invalid('access_token_format_invalid', `access-token-format must be opaque or jwt, got "${format}"`, {
      field: 'access_token_format',
    });
  }
  const resources = [...new Set((request.resources ?? []).map((uri) => checkRegisteredUri(uri, 'resource')))];
  if (resources.length && !grantTypes.includes('client_credentials')) {
    throw invalid('resource_invalid', 'resource: only a client_credentials client asks tokens for an API', {
      field: 'resource_indicators',
    });
  }
  if (format === 'jwt' && !resources.length) {
    throw invalid('access_token_format_invalid', 'access-token-format jwt needs at least one --resource (its audience)', {
      field: 'access_token_format',
    });
  }
  return {
    ...(resources.length ? { resource_indicators: resources } : {}),
    ...(format === 'jwt' ? { access_token_format: 'jwt' as const } : {}),
  };
}
