// The per-commune client registry (domain): communes and the relying-party clients each one owns.
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { hasSqlState, UNIQUE_VIOLATION } from '../db/index.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Sealer } from '../sealing.js';
import { buildClientMetadata, needsSectorIdentifier, splitSensitiveScopes, type ClientMetadata, type ClientRequest } from './client-metadata.js';
import { findRegistrationTokenCommune, insertRegistrationToken } from './registration-token-repository.js';
import {
  decideScopeRequest, findScopeRequest, insertScopeRequests, listScopeRequests, type ScopeRequest, type ScopeRequestStatus,
} from './scope-request-repository.js';
import { CLIENT_CHANGES_CHANNEL, createClientCache } from './client-cache.js';
import {
  deleteClient, findClient, insertClient, listClientsOfCommune, notifyClientChanged, updateClient, updateClientSecret, type ClientRecord,
} from './client-repository.js';
import { findCommune, insertCommune, listCommunes, updateCommune, type Commune, type NewCommune } from './commune-repository.js';

export type { Commune, Offer } from './commune-repository.js';
export type { ClientRecord } from './client-repository.js';
export { buildClientMetadata, checkRegisteredUri, FREE_SCOPES, needsSectorIdentifier, splitSensitiveScopes, type ClientMetadata, type ClientRequest } from './client-metadata.js';
export type { ScopeRequest, ScopeRequestStatus } from './scope-request-repository.js';
export { CLIENT_CHANGES_CHANNEL } from './client-cache.js';
export { createReports, monthRange, type Reports, type UsageReport, type Contribution, type ClientUsage, type CommuneUsage } from './reports.js';
export { insertSignIn } from './usage-repository.js';
export { clientJson, communeJson } from './json.js';

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
};

export interface ClientUpdate {
  name?: string | undefined;
  redirectUris?: string[] | undefined;
  postLogoutRedirectUris?: string[] | undefined;
  grantTypes?: string[] | undefined;
  scope?: string | undefined;
  backchannelLogoutUri?: string | null | undefined;
}

export interface ClientWriteOptions {
  isFirstParty?: boolean;
  /** Who asks, for the scope requests (an operator, or 'registration'). */
  requestedBy?: string;
  /** The Métropole and the CLI grant every scope at once; others queue the sensitive ones. */
  mayGrantSensitive?: boolean;
}

export interface NewClientResult {
  client: ClientRecord;
  clientSecret: string | undefined;
}

export interface Registry {
  addCommune(input: CommuneInput): Promise<Commune>;
  getCommune(slug: string): Promise<Commune>;
  listCommunes(): Promise<Commune[]>;
  addClient(communeSlug: string, request: ClientRequest, options?: ClientWriteOptions): Promise<NewClientResult>;
  listClients(communeSlug: string): Promise<ClientRecord[]>;
  getClient(clientId: string): Promise<ClientRecord>;
  updateCommune(slug: string, change: Partial<Omit<CommuneInput, 'slug'>>): Promise<Commune>;
  /** Applies a partial change to a client's metadata, with the same rules as at creation. */
  updateClient(clientId: string, change: ClientUpdate, options?: ClientWriteOptions): Promise<ClientRecord>;
  /** A client registered dynamically (RFC 7591) or updated by its registration access token (RFC 7592). */
  saveRegisteredClient(communeSlug: string, clientId: string, metadata: ClientMetadata, clientSecret: string | undefined, pendingScopes: string[]): Promise<void>;
  listScopeRequests(status: ScopeRequestStatus | null, communes: string[] | 'all'): Promise<ScopeRequest[]>;
  /** Binds an initial access token (its jti) to the commune it registers clients into. */
  bindRegistrationToken(jti: string, communeSlug: string, createdBy: string, expiresAt: Date): Promise<void>;
  registrationTokenCommune(jti: string): Promise<string | undefined>;
  getScopeRequest(id: number): Promise<ScopeRequest>;
  /** Approves (the scope joins the client's) or refuses (with a reason) a pending request. */
  decideScopeRequest(id: number, decision: 'approved' | 'refused', decidedBy: string, reason?: string): Promise<ScopeRequest>;
  setClientEnabled(clientId: string, isEnabled: boolean): Promise<ClientRecord>;
  /** A new secret, shown once; the old one stops working at once. */
  rotateClientSecret(clientId: string): Promise<{ client: ClientRecord; clientSecret: string }>;
  deleteClient(clientId: string): Promise<void>;
  /** Every redirect URI registered for the commune: the document behind its sector_identifier_uri. */
  listSectorRedirectUris(communeSlug: string): Promise<string[]>;
  /** The enabled client for the provider, from cache; undefined when unknown or disabled. */
  findProviderClient(clientId: string): Promise<ProviderClientMetadata | undefined>;
  /** Drops a client from this instance's cache (called on NOTIFY). */
  forget(clientId?: string): void;
}

export interface RegistryDeps {
  db: Queryable;
  sealer: Sealer;
  log: Logger;
  cacheTtlSeconds: number;
  /**
   * The commune's sector URI, given to pairwise clients whose redirect URIs span several hosts (the
   * provider's schema wants one; our pairwise subjects use the commune as sector anyway).
   */
  sectorIdentifierUri?: (communeSlug: string) => string;
  /** The provider's own client schema check, when the caller has one (the library validates again on load). */
  validateMetadata?: (metadata: ProviderClientMetadata) => Promise<void>;
}

function checkCommune(input: CommuneInput): NewCommune {
  const slug = input.slug.trim();
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 63) {
    throw invalid('commune_slug_invalid', 'slug: lowercase letters, digits and single hyphens (e.g. vaulx-en-velin)', { field: 'slug' });
  }
  const name = input.name.trim();
  if (!name || name.length > 200) throw invalid('commune_name_invalid', 'name: 1 to 200 characters', { field: 'name' });
  if (input.inseeCode !== undefined && !/^[0-9][0-9AB][0-9]{3}$/.test(input.inseeCode)) {
    throw invalid('commune_insee_invalid', 'insee: a 5-character INSEE code such as 69123', { field: 'insee' });
  }
  if (input.population !== undefined && (!Number.isInteger(input.population) || input.population < 0)) {
    throw invalid('commune_population_invalid', 'population: a whole number of inhabitants', { field: 'population' });
  }
  const offer = input.offer ?? 'global';
  if (offer !== 'global' && offer !== 'restricted') throw invalid('commune_offer_invalid', 'offer: global or restricted', { field: 'offer' });
  return { slug, name, inseeCode: input.inseeCode, population: input.population, isPilot: input.isPilot ?? false, offer };
}

export function createRegistry({ db, sealer, log, cacheTtlSeconds, validateMetadata, sectorIdentifierUri }: RegistryDeps): Registry {
  const cache = createClientCache<ProviderClientMetadata>(cacheTtlSeconds);

  const withSector = (metadata: ClientMetadata, communeSlug: string): ClientMetadata =>
    sectorIdentifierUri && needsSectorIdentifier(metadata) ? { ...metadata, sector_identifier_uri: sectorIdentifierUri(communeSlug) } : metadata;

  async function toProviderClient(record: ClientRecord): Promise<ProviderClientMetadata> {
    const client: ProviderClientMetadata = {
      ...withSector(record.metadata, record.communeSlug),
      client_id: record.clientId,
      commune: record.communeSlug,
      commune_name: record.communeName,
      first_party: record.isFirstParty,
    };
    if (record.clientSecretSealed) client.client_secret = await sealer.open(record.clientSecretSealed);
    return client;
  }

  /** After a change: every instance drops its cached copy (NOTIFY), this one at once. */
  async function changed(clientId: string): Promise<ClientRecord> {
    cache.invalidate(clientId);
    await notifyClientChanged(db, CLIENT_CHANGES_CHANNEL, clientId);
    return registry.getClient(clientId);
  }

  const registry: Registry = {
    async addCommune(input) {
      const commune = checkCommune(input);
      try {
        const inserted = await insertCommune(db, commune);
        if (!inserted) throw conflict('commune_exists', `a commune with slug "${commune.slug}" already exists`);
        log.info({ event: 'commune.added', commune: inserted.slug }, 'commune.added');
        return inserted;
      } catch (error) {
        if (hasSqlState(error, UNIQUE_VIOLATION)) throw conflict('commune_insee_taken', `INSEE code ${commune.inseeCode} is already registered`);
        throw error;
      }
    },
    async getCommune(slug) {
      const commune = await findCommune(db, slug);
      if (!commune) throw notFound('commune_not_found', `unknown commune "${slug}"`);
      return commune;
    },
    listCommunes: () => listCommunes(db),
    async addClient(communeSlug, request, options = {}) {
      const commune = await registry.getCommune(communeSlug);
      const requested = buildClientMetadata(request);
      const { granted, pending } = options.mayGrantSensitive === false ? splitSensitiveScopes(requested.scope) : { granted: requested.scope, pending: [] };
      const metadata = { ...requested, scope: granted };
      const clientId = `${commune.slug}-${randomBytes(12).toString('base64url')}`;
      const clientSecret = metadata.token_endpoint_auth_method === 'none' ? undefined : randomBytes(32).toString('base64url');
      const isFirstParty = options.isFirstParty ?? false;
      if (validateMetadata) {
        await validateMetadata({
          ...withSector(metadata, commune.slug), client_id: clientId, commune: commune.slug, commune_name: commune.name, first_party: isFirstParty,
          ...(clientSecret ? { client_secret: clientSecret } : {}),
        });
      }
      await insertClient(db, {
        clientId,
        communeSlug: commune.slug,
        metadata,
        clientSecretSealed: clientSecret ? await sealer.seal(clientSecret) : undefined,
        isFirstParty,
      });
      await insertScopeRequests(db, clientId, pending, options.requestedBy ?? 'unknown');
      await notifyClientChanged(db, CLIENT_CHANGES_CHANNEL, clientId);
      log.info({ event: 'client.added', clientId, commune: commune.slug }, 'client.added');
      const client = await findClient(db, clientId);
      return { client: client!, clientSecret };
    },
    async listClients(communeSlug) {
      await registry.getCommune(communeSlug);
      return listClientsOfCommune(db, communeSlug);
    },
    async getClient(clientId) {
      const client = await findClient(db, clientId);
      if (!client) throw notFound('client_not_found', `unknown client "${clientId}"`);
      return client;
    },
    async updateCommune(slug, change) {
      const current = await registry.getCommune(slug);
      const next = checkCommune({
        slug, name: change.name ?? current.name, inseeCode: change.inseeCode ?? current.inseeCode,
        population: change.population ?? current.population, isPilot: change.isPilot ?? current.isPilot, offer: change.offer ?? current.offer,
      });
      try {
        return (await updateCommune(db, next))!;
      } catch (error) {
        if (hasSqlState(error, UNIQUE_VIOLATION)) throw conflict('commune_insee_taken', `INSEE code ${next.inseeCode} is already registered`);
        throw error;
      }
    },
    async updateClient(clientId, change, options = {}) {
      const current = await registry.getClient(clientId);
      const requested = buildClientMetadata({
        name: change.name ?? current.metadata.client_name,
        redirectUris: change.redirectUris ?? current.metadata.redirect_uris,
        postLogoutRedirectUris: change.postLogoutRedirectUris ?? current.metadata.post_logout_redirect_uris,
        grantTypes: change.grantTypes ?? current.metadata.grant_types,
        isPublic: current.metadata.token_endpoint_auth_method === 'none',
        scope: change.scope ?? current.metadata.scope,
        subjectType: current.metadata.subject_type,
        backchannelLogoutUri: change.backchannelLogoutUri === null ? undefined : (change.backchannelLogoutUri ?? current.metadata.backchannel_logout_uri),
      });
      const approved = current.metadata.scope.split(' ');
      const { granted, pending } = options.mayGrantSensitive === false ? splitSensitiveScopes(requested.scope, approved) : { granted: requested.scope, pending: [] };
      const metadata = { ...requested, scope: granted };
      if (validateMetadata) {
        await validateMetadata({
          ...withSector(metadata, current.communeSlug), client_id: clientId, commune: current.communeSlug,
          commune_name: current.communeName, first_party: current.isFirstParty,
          ...(current.clientSecretSealed ? { client_secret: await sealer.open(current.clientSecretSealed) } : {}),
        });
      }
      await updateClient(db, clientId, { metadata, isEnabled: current.isEnabled });
      await insertScopeRequests(db, clientId, pending, options.requestedBy ?? 'unknown');
      return changed(clientId);
    },
    async saveRegisteredClient(communeSlug, clientId, metadata, clientSecret, pendingScopes) {
      const existing = await findClient(db, clientId);
      if (existing) {
        if (existing.communeSlug !== communeSlug) throw invalid('client_commune_fixed', 'a client stays in its commune');
        await updateClient(db, clientId, { metadata, isEnabled: existing.isEnabled });
        if (clientSecret) await updateClientSecret(db, clientId, await sealer.seal(clientSecret));
      } else {
        await insertClient(db, { clientId, communeSlug, metadata, clientSecretSealed: clientSecret ? await sealer.seal(clientSecret) : undefined, isFirstParty: false });
        log.info({ event: 'client.registered', clientId, commune: communeSlug }, 'client.registered');
      }
      await insertScopeRequests(db, clientId, pendingScopes, 'registration');
      await changed(clientId);
    },
    async bindRegistrationToken(jti, communeSlug, createdBy, expiresAt) {
      await registry.getCommune(communeSlug);
      await insertRegistrationToken(db, { jti, communeSlug, createdBy, expiresAt });
    },
    registrationTokenCommune: (jti) => findRegistrationTokenCommune(db, jti),
    listScopeRequests: (status, communes) => listScopeRequests(db, status, communes === 'all' ? null : communes),
    async getScopeRequest(id) {
      const request = await findScopeRequest(db, id);
      if (!request) throw notFound('scope_request_not_found', `no scope request ${id}`);
      return request;
    },
    async decideScopeRequest(id, decision, decidedBy, reason) {
      const request = await registry.getScopeRequest(id);
      if (decision === 'refused' && !reason?.trim()) throw invalid('reason_required', 'reason: a refusal says why', { field: 'reason' });
      if (!(await decideScopeRequest(db, id, decision, decidedBy, reason?.trim()))) {
        throw conflict('scope_request_decided', `scope request ${id} was already ${request.status}`);
      }
      if (decision === 'approved') {
        const client = await registry.getClient(request.clientId);
        const scope = [...new Set([...client.metadata.scope.split(' '), request.scope])].join(' ');
        await updateClient(db, client.clientId, { metadata: { ...client.metadata, scope }, isEnabled: client.isEnabled });
        await changed(client.clientId);
      }
      return registry.getScopeRequest(id);
    },
    async setClientEnabled(clientId, isEnabled) {
      const current = await registry.getClient(clientId);
      await updateClient(db, clientId, { metadata: current.metadata, isEnabled });
      return changed(clientId);
    },
    async rotateClientSecret(clientId) {
      const current = await registry.getClient(clientId);
      if (current.metadata.token_endpoint_auth_method === 'none') throw invalid('client_public', 'a public client has no secret');
      const clientSecret = randomBytes(32).toString('base64url');
      await updateClientSecret(db, clientId, await sealer.seal(clientSecret));
      return { client: await changed(clientId), clientSecret };
    },
    async deleteClient(clientId) {
      await registry.getClient(clientId);
      await deleteClient(db, clientId);
      cache.invalidate(clientId);
      await notifyClientChanged(db, CLIENT_CHANGES_CHANNEL, clientId);
    },
    async listSectorRedirectUris(communeSlug) {
      const clients = await registry.listClients(communeSlug);
      return [...new Set(clients.filter((c) => c.isEnabled).flatMap((c) => c.metadata.redirect_uris))];
    },
    findProviderClient(clientId) {
      return cache.get(clientId, async () => {
        const record = await findClient(db, clientId);
        return record?.isEnabled ? toProviderClient(record) : undefined;
      });
    },
    forget: (clientId) => cache.invalidate(clientId),
  };
  return registry;
}
