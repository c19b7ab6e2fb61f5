// The JSON shapes of communes and clients, the same for the CLI and the operators' API.
import type { ClientRecord } from './client-repository.js';
import type { Commune } from './commune-repository.js';
import type { LogoSummary } from './types.js';

/** Where the logo is served (public, on the issuer), its version in the query so that a new logo is a new URL. */
export const communeLogoPath = (slug: string, sha256: string) => `/communes/${slug}/logo?v=${sha256.slice(0, 16)}`;

export function communeJson(commune: Commune) {
  return {
    slug: commune.slug,
    name: commune.name,
    insee: commune.inseeCode ?? null,
    population: commune.population ?? null,
    pilot: commune.isPilot,
    offer: commune.offer,
    created_at: commune.createdAt.toISOString(),
    display_name: commune.identity.displayName ?? null,
    color: commune.identity.mainColor ?? null,
    website_url: commune.identity.websiteUrl ?? null,
    privacy_url: commune.identity.privacyUrl ?? null,
    help_contact: commune.identity.helpContact ?? null,
    logo_url: commune.logo ? communeLogoPath(commune.slug, commune.logo.sha256) : null,
  };
}

/** A logo in the audit log and the answers: what it is, never its bytes. */
export function logoSummaryJson(logo: LogoSummary | null) {
  return logo && { content_type: logo.contentType, sha256: logo.sha256, bytes: logo.bytes, width: logo.width, height: logo.height };
}

export function clientJson(client: ClientRecord) {
  return {
    client_id: client.clientId,
    commune: client.communeSlug,
    first_party: client.isFirstParty,
    operator_tool: client.isOperatorTool,
    enabled: client.isEnabled,
    created_at: client.createdAt.toISOString(),
    ...client.metadata,
    // While an overlap runs: when the previous secret stops (the secret itself is never shown again).
    ...(client.previousSecretExpiresAt ? { previous_secret_expires_at: client.previousSecretExpiresAt.toISOString() } : {}),
  };
}
