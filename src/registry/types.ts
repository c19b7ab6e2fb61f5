// The registry's shapes: what callers give, what the provider loads, what the registry offers.
import type { OutboundAllowList } from '../config.js';
import type { Queryable } from '../db/index.js';
import type { Logger } from '../log.js';
import type { Sealer } from '../sealing.js';
import type { ClientCache } from './client-cache.js';
import type { CommuneCache } from './commune-cache.js';
import type { ClientMetadata, ClientRequest } from './client-metadata.js';
import type { ClientRecord } from './client-repository.js';
import type { CommuneIdentityChange, LogoType } from './commune-identity.js';
import type { Commune, StoredLogo } from './commune-repository.js';
import type { ScopeRequest, ScopeRequestStatus } from './scope-request-repository.js';

export interface CommuneInput {
  slug: string;
  name: string;
  inseeCode?: string | undefined;
  population?: number | undefined;
  isPilot?: boolean | undefined;
  offer?: string | undefined;
}

/** The client as the provider loads it: stored metadata plus secret and the registry's extra properties. */
export type ProviderClientMetadata = ClientMetadata & {
  client_id: string;
  client_secret?: string;
  commune: string;
  commune_name: string;
  first_party: boolean;
  /** The one mark that lets a client ask for the operators' API (resource <ISSUER>/admin/api/v1). */
  operator_tool: boolean;
};

export interface ClientUpdate {
  name?: string | undefined;
  redirectUris?: string[] | undefined;
  postLogoutRedirectUris?: string[] | undefined;
  grantTypes?: string[] | undefined;
  scope?: string | undefined;
  backchannelLogoutUri?: string | null | undefined;
  /** null removes the minimum. */
  minimumAcr?: string | null | undefined;
}

export interface ClientWriteOptions {
  isFirstParty?: boolean;
  /** A console or script run by the Métropole that operators sign in to: only the CLI sets it. */
  isOperatorTool?: boolean;
  /** Who asks, for the scope requests (an operator, or 'registration'). */
  requestedBy?: string;
  /** The Métropole and the CLI grant every scope at once; others queue the sensitive ones. */
  mayGrantSensitive?: boolean;
}

export interface NewClientResult {
  client: ClientRecord;
  clientSecret: string | undefined;
}

/** The communes of the Métropole: added, changed, read. */
export interface Communes {
  addCommune(input: CommuneInput): Promise<Commune>;
  getCommune(slug: string): Promise<Commune>;
  listCommunes(): Promise<Commune[]>;
  updateCommune(slug: string, change: Partial<Omit<CommuneInput, 'slug'>>): Promise<Commune>;
  /** Changes the identity fields given (undefined keeps one, null or '' clears it), with the rules of commune-identity.ts. */
  setCommuneIdentity(slug: string, change: CommuneIdentityChange): Promise<Commune>;
  /** Stores a logo whose content is a PNG, JPEG or WebP image (null removes it); what is said of it omits the bytes. */
  setCommuneLogo(slug: string, bytes: Uint8Array | null, maxBytes?: number): Promise<{ commune: Commune; logo: LogoSummary | null }>;
  /** The logo to serve; undefined when the commune is unknown or has none. */
  findCommuneLogo(slug: string): Promise<StoredLogo | undefined>;
}

/** A stored logo as the audit and the answers describe it: never its bytes. */
export interface LogoSummary {
  contentType: LogoType;
  sha256: string;
  bytes: number;
  width: number;
  height: number;
}

/** The sites of a commune as its operators and the registration endpoint change them. */
export interface Clients {
  addClient(communeSlug: string, request: ClientRequest, options?: ClientWriteOptions): Promise<NewClientResult>;
  listClients(communeSlug: string): Promise<ClientRecord[]>;
  getClient(clientId: string): Promise<ClientRecord>;
  /** Applies a partial change to a client's metadata, with the same rules as at creation. */
  updateClient(clientId: string, change: ClientUpdate, options?: ClientWriteOptions): Promise<ClientRecord>;
  /** A client registered dynamically (RFC 7591) or updated by its registration access token (RFC 7592). */
  saveRegisteredClient(
    communeSlug: string,
    clientId: string,
    metadata: ClientMetadata,
    clientSecret: string | undefined,
    pendingScopes: string[],
  ): Promise<{ before: ClientRecord | undefined; after: ClientRecord }>;
  setClientEnabled(clientId: string, isEnabled: boolean): Promise<ClientRecord>;
  /**
   * A new secret, shown once; the one it replaces keeps working for `overlapSeconds` (0: it stops at once,
   * a suspected leak), then stops. A confidential client only.
   */
  rotateClientSecret(
    clientId: string,
    overlapSeconds: number,
  ): Promise<{ client: ClientRecord; clientSecret: string; previousSecretExpiresAt: Date | undefined }>;
  deleteClient(clientId: string): Promise<void>;
  /** Every redirect URI registered for the commune: the document behind its sector_identifier_uri. */
  listSectorRedirectUris(communeSlug: string): Promise<string[]>;
}

/** The clients as the provider loads them, cached on this instance and dropped on every instance on change. */
export interface ProviderClients {
  /** The enabled client for the provider, from cache; undefined when unknown or disabled. */
  findProviderClient(clientId: string): Promise<ProviderClientMetadata | undefined>;
  /**
   * The secret a rotation replaced, in clear, while its overlap runs by the database's clock (never cached:
   * an overlap ended in the database ends on every instance at once); undefined otherwise.
   */
  findLivePreviousSecret(clientId: string): Promise<string | undefined>;
  /** Drops a client, or a commune (`commune:<slug>`), from this instance's caches (called on NOTIFY); all of them when not told. */
  forget(key?: string): void;
  /** Tells every instance, once `db`'s transaction commits, that a client changed outside the registry (its operator roles). */
  announceClientChange(clientId: string, db?: Queryable): Promise<void>;
}

/** Sensitive scopes a client asked for, waiting for the Métropole's decision. */
export interface ScopeApprovals {
  listScopeRequests(status: ScopeRequestStatus | null, communes: string[] | 'all'): Promise<ScopeRequest[]>;
  getScopeRequest(id: number): Promise<ScopeRequest>;
  /** Approves (the scope joins the client's) or refuses (with a reason) a pending request. */
  decideScopeRequest(id: number, decision: 'approved' | 'refused', decidedBy: string, reason?: string): Promise<ScopeRequest>;
}

/** The initial access tokens of self-registration (RFC 7591), each bound to the commune it registers into. */
export interface RegistrationTokenBindings {
  /** Binds an initial access token (its jti) to the commune it registers clients into. */
  bindRegistrationToken(jti: string, communeSlug: string, createdBy: string, expiresAt: Date): Promise<void>;
  registrationTokenCommune(jti: string): Promise<string | undefined>;
}

/** The whole registry, for the callers that use all of it (the operators' API, the composition). */
export type Registry = Communes & Clients & ProviderClients & ScopeApprovals & RegistrationTokenBindings;

export interface RegistryDeps {
  db: Queryable;
  sealer: Sealer;
  log: Logger;
  cacheTtlSeconds: number;
  /** The provider's clients as cached on this instance: shared by the registries built over each transaction. */
  cache?: ClientCache<ProviderClientMetadata>;
  /** The communes as cached on this instance (commune-cache.ts), shared likewise; absent: every read goes to the database. */
  communeCache?: CommuneCache;
  /**
   * The commune's sector URI, given to pairwise clients whose redirect URIs span several hosts (the
   * provider's schema wants one; our pairwise subjects use the commune as sector anyway).
   */
  sectorIdentifierUri?: (communeSlug: string) => string;
  /** The provider's own client schema check, when the caller has one (the library validates again on load). */
  validateMetadata?: (metadata: ProviderClientMetadata) => Promise<void>;
  /** OUTBOUND_ALLOWLIST: private hosts a back-channel logout URI may name. Absent: none. */
  outboundAllowList?: OutboundAllowList;
}
