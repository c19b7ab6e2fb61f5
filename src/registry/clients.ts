// Clients of a commune: created, changed, enabled, given a new secret, deleted, and loaded by the
// provider through a cache that every instance drops on change (NOTIFY).
import { randomBytes } from 'node:crypto';
import { afterCommit } from '../db/index.js';
import { invalid, notFound, present } from '../errors.js';
import { buildClientMetadata, needsSectorIdentifier, splitSensitiveScopes, type ClientMetadata } from './client-metadata.js';
import { CLIENT_CHANGES_CHANNEL, createClientCache } from './client-cache.js';
import {
  deleteClient,
  findClient,
  findLivePreviousSecret,
  insertClient,
  listClientsOfCommune,
  notifyClientChanged,
  rotateClientSecret,
  updateClient,
  updateClientSecret,
  type ClientRecord,
} from './client-repository.js';
import { insertScopeRequests } from './scope-request-repository.js';
import { checkSecretOverlap } from './secret-rotation.js';
import type { Clients, Communes, ProviderClientMetadata, ProviderClients, RegistryDeps } from './types.js';

/** The clients and their provider cache, with `changed`: announce a change made by another part of the registry. */
export type ClientOperations = Clients & ProviderClients & { changed: (clientId: string) => Promise<ClientRecord> };

export function clientOperations(
  {
    db,
    sealer,
    log,
    cacheTtlSeconds,
    cache = createClientCache<ProviderClientMetadata>(cacheTtlSeconds),
    validateMetadata,
    sectorIdentifierUri,
    outboundAllowList,
  }: RegistryDeps,
  communes: Pick<Communes, 'getCommune'>,
): ClientOperations {
  const withSector = (metadata: ClientMetadata, communeSlug: string): ClientMetadata =>
    sectorIdentifierUri && needsSectorIdentifier(metadata)
      ? { ...metadata, sector_identifier_uri: sectorIdentifierUri(communeSlug) }
      : metadata;

  async function toProviderClient(record: ClientRecord): Promise<ProviderClientMetadata> {
    const client: ProviderClientMetadata = {
      ...withSector(record.metadata, record.communeSlug),
      client_id: record.clientId,
      commune: record.communeSlug,
      commune_name: record.communeName,
      first_party: record.isFirstParty,
      operator_tool: record.isOperatorTool,
    };
    if (record.clientSecretSealed) client.client_secret = await sealer.open(record.clientSecretSealed);
    return client;
  }

  /**
   * After a change, once it is committed: every instance drops its cached copy (Postgres delivers a NOTIFY
   * at commit, never for a rolled-back change), this one too. Dropped earlier, a concurrent read could cache
   * the old client again before the commit.
   */
  async function announce(clientId: string, through = db): Promise<void> {
    await notifyClientChanged(through, CLIENT_CHANGES_CHANNEL, clientId);
    await afterCommit(through, () => cache.invalidate(clientId));
  }

  async function changed(clientId: string): Promise<ClientRecord> {
    await announce(clientId);
    return operations.getClient(clientId);
  }

  const operations: ClientOperations = {
    async addClient(communeSlug, request, options = {}) {
      const commune = await communes.getCommune(communeSlug);
      const requested = buildClientMetadata(request, { outboundAllowList });
      const { granted, pending } =
        options.mayGrantSensitive === false ? splitSensitiveScopes(requested.scope) : { granted: requested.scope, pending: [] };
      const metadata = { ...requested, scope: granted };
      const clientId = `${commune.slug}-${randomBytes(12).toString('base64url')}`;
      const clientSecret = metadata.token_endpoint_auth_method === 'none' ? undefined : randomBytes(32).toString('base64url');
      const isFirstParty = options.isFirstParty ?? false;
      const isOperatorTool = options.isOperatorTool ?? false;
      if (validateMetadata) {
        await validateMetadata({
          ...withSector(metadata, commune.slug),
          client_id: clientId,
          commune: commune.slug,
          commune_name: commune.name,
          first_party: isFirstParty,
          operator_tool: isOperatorTool,
          ...(clientSecret ? { client_secret: clientSecret } : {}),
        });
      }
      await insertClient(db, {
        clientId,
        communeSlug: commune.slug,
        metadata,
        clientSecretSealed: clientSecret ? await sealer.seal(clientSecret) : undefined,
        isFirstParty,
        isOperatorTool,
      });
      await insertScopeRequests(db, clientId, pending, options.requestedBy ?? 'unknown');
      await notifyClientChanged(db, CLIENT_CHANGES_CHANNEL, clientId);
      log.info({ event: 'client.added', clientId, commune: commune.slug }, 'client.added');
      const client = await findClient(db, clientId);
      return { client: present(client, 'the client just added'), clientSecret };
    },
    async listClients(communeSlug) {
      await communes.getCommune(communeSlug);
      return listClientsOfCommune(db, communeSlug);
    },
    async getClient(clientId) {
      const client = await findClient(db, clientId);
      if (!client) throw notFound('client_not_found', `unknown client "${clientId}"`);
      return client;
    },
    async updateClient(clientId, change, options = {}) {
      const current = await operations.getClient(clientId);
      const requested = buildClientMetadata(
        {
          name: change.name ?? current.metadata.client_name,
          redirectUris: change.redirectUris ?? current.metadata.redirect_uris,
          postLogoutRedirectUris: change.postLogoutRedirectUris ?? current.metadata.post_logout_redirect_uris,
          grantTypes: change.grantTypes ?? current.metadata.grant_types,
          isPublic: current.metadata.token_endpoint_auth_method === 'none',
          scope: change.scope ?? current.metadata.scope,
          subjectType: current.metadata.subject_type,
          minimumAcr: change.minimumAcr === null ? undefined : (change.minimumAcr ?? current.metadata.default_acr_values?.[0]),
          backchannelLogoutUri:
            change.backchannelLogoutUri === null ? undefined : (change.backchannelLogoutUri ?? current.metadata.backchannel_logout_uri),
          resources: current.metadata.resource_indicators,
          accessTokenFormat: current.metadata.access_token_format,
        },
        { outboundAllowList },
      );
      const approved = current.metadata.scope.split(' ');
      const { granted, pending } =
        options.mayGrantSensitive === false ? splitSensitiveScopes(requested.scope, approved) : { granted: requested.scope, pending: [] };
      const metadata = { ...requested, scope: granted };
      if (validateMetadata) {
        await validateMetadata({
          ...withSector(metadata, current.communeSlug),
          client_id: clientId,
          commune: current.communeSlug,
          commune_name: current.communeName,
          first_party: current.isFirstParty,
          operator_tool: current.isOperatorTool,
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
        await insertClient(db, {
          clientId,
          communeSlug,
          metadata,
          clientSecretSealed: clientSecret ? await sealer.seal(clientSecret) : undefined,
          isFirstParty: false,
          isOperatorTool: false,
        });
        log.info({ event: 'client.registered', clientId, commune: communeSlug }, 'client.registered');
      }
      await insertScopeRequests(db, clientId, pendingScopes, 'registration');
      return { before: existing, after: await changed(clientId) };
    },
    async setClientEnabled(clientId, isEnabled) {
      const current = await operations.getClient(clientId);
      await updateClient(db, clientId, { metadata: current.metadata, isEnabled });
      return changed(clientId);
    },
    async rotateClientSecret(clientId, overlapSeconds) {
      checkSecretOverlap(overlapSeconds);
      const current = await operations.getClient(clientId);
      if (current.metadata.token_endpoint_auth_method === 'none') {
        throw invalid('client_public', `client "${clientId}" is public (no secret): there is nothing to rotate`);
      }
      const clientSecret = randomBytes(32).toString('base64url');
      const rotated = present(await rotateClientSecret(db, clientId, await sealer.seal(clientSecret), overlapSeconds), 'the client');
      log.info({ event: 'client.secret_rotated', clientId, overlapSeconds }, 'client.secret_rotated');
      return { client: await changed(clientId), clientSecret, previousSecretExpiresAt: rotated.previousSecretExpiresAt };
    },
    async deleteClient(clientId) {
      await operations.getClient(clientId);
      await deleteClient(db, clientId);
      await announce(clientId);
    },
    async listSectorRedirectUris(communeSlug) {
      const clients = await operations.listClients(communeSlug);
      return [...new Set(clients.filter((c) => c.isEnabled).flatMap((c) => c.metadata.redirect_uris))];
    },
    findProviderClient(clientId) {
      return cache.get(clientId, async () => {
        const record = await findClient(db, clientId);
        return record?.isEnabled ? toProviderClient(record) : undefined;
      });
    },
    async findLivePreviousSecret(clientId) {
      const sealed = await findLivePreviousSecret(db, clientId);
      return sealed === undefined ? undefined : sealer.open(sealed);
    },
    forget: (clientId) => cache.invalidate(clientId),
    announceClientChange: (clientId, through) => announce(clientId, through),
    changed,
  };
  return operations;
}
