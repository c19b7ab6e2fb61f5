// The per-commune client registry (domain): communes and the relying-party clients each one owns.
import { approvalOperations } from './approvals.js';
import { clientOperations } from './clients.js';
import { communeOperations } from './communes.js';
import type { Registry, RegistryDeps } from './types.js';

export type { Commune, Offer } from './commune-repository.js';
export type { ClientRecord } from './client-repository.js';
export { buildClientMetadata, checkRegisteredUri, FREE_SCOPES, needsSectorIdentifier, splitSensitiveScopes, type ClientMetadata, type ClientRequest } from './client-metadata.js';
export type { ScopeRequest, ScopeRequestStatus } from './scope-request-repository.js';
export { CLIENT_CHANGES_CHANNEL, createClientCache, type ClientCache } from './client-cache.js';
export { createReports, monthRange, type Reports, type UsageReport, type Contribution, type ClientUsage, type CommuneUsage } from './reports.js';
export { insertSignIn } from './usage-repository.js';
export { clientJson, communeJson } from './json.js';
export type {
  ClientUpdate, ClientWriteOptions, CommuneInput, NewClientResult, ProviderClientMetadata, Registry, RegistryDeps,
} from './types.js';

export function createRegistry(deps: RegistryDeps): Registry {
  const communes = communeOperations(deps.db, deps.log);
  const { changed, ...clients } = clientOperations(deps, communes);
  return { ...communes, ...clients, ...approvalOperations(deps.db, deps.sealer, { ...communes, ...clients }, changed) };
}
