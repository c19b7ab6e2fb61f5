// The per-commune client registry (domain): communes and the relying-party clients each one owns.
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { hasSqlState, UNIQUE_VIOLATION } from '../db/index.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Sealer } from '../sealing.js';
import { buildClientMetadata, needsSectorIdentifier, type ClientMetadata, type ClientRequest } from './client-metadata.js';
import { CLIENT_CHANGES_CHANNEL, createClientCache } from './client-cache.js';
import {
  deleteClient, findClient, insertClient, listClientsOfCommune, notifyClientChanged, updateClient, updateClientSecret, type ClientRecord,
} from './client-repository.js';
import { findCommune, insertCommune, listCommunes, updateCommune, type Commune, type NewCommune } from './commune-repository.js';

export type { Commune, Offer } from './commune-repository.js';
export type { ClientRecord } from './client-repository.js';
export { buildClientMetadata, checkRegisteredUri, type ClientMetadata, type ClientRequest } from './client-metadata.js';
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

export interface NewClientResult {
  client: ClientRecord;
  clientSecret: string | undefined;
}

export interface Registry {
  addCommune(input: CommuneInput): Promise<Commune>;
  getCommune(slug: string): Promise<Commune>;
  listCommunes(): Promise<Commune[]>;
  addClient(communeSlug: string, request: ClientRequest, options?: { isFirstParty?: boolean }): Promise<NewClientResult>;
  listClients(communeSlug: string): Promise<ClientRecord[]>;
  getClient(clientId: string): Promise<ClientRecord>;
  updateCommune(slug: string, change: Partial<Omit<CommuneInput, 'slug'>>): Promise<Commune>;
  /** Applies a partial change to a client's metadata, with the same rules as at creation. */
  updateClient(clientId: string, change: ClientUpdate): Promise<ClientRecord>;
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
      const metadata = buildClientMetadata(request);
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
    async updateClient(clientId, change) {
      const current = await registry.getClient(clientId);
      const metadata = buildClientMetadata({
        name: change.name ?? current.metadata.client_name,
        redirectUris: change.redirectUris ?? current.metadata.redirect_uris,
        postLogoutRedirectUris: change.postLogoutRedirectUris ?? current.metadata.post_logout_redirect_uris,
        grantTypes: change.grantTypes ?? current.metadata.grant_types,
        isPublic: current.metadata.token_endpoint_auth_method === 'none',
        scope: change.scope ?? current.metadata.scope,
        subjectType: current.metadata.subject_type,
        backchannelLogoutUri: change.backchannelLogoutUri === null ? undefined : (change.backchannelLogoutUri ?? current.metadata.backchannel_logout_uri),
      });
      if (validateMetadata) {
        await validateMetadata({
          ...withSector(metadata, current.communeSlug), client_id: clientId, commune: current.communeSlug,
          commune_name: current.communeName, first_party: current.isFirstParty,
          ...(current.clientSecretSealed ? { client_secret: await sealer.open(current.clientSecretSealed) } : {}),
        });
      }
      await updateClient(db, clientId, { metadata, isEnabled: current.isEnabled });
      return changed(clientId);
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
