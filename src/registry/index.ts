// The per-commune client registry (domain): communes, the relying-party clients each one owns, the
// sensitive scopes they wait for and the tokens of self-registration; usage and contributions are in reports/.
import { approvalOperations } from './approvals.js';
import { clientOperations } from './clients.js';
import { communeOperations } from './communes.js';
import type { Registry, RegistryDeps } from './types.js';

export { listCommunes, type Commune, type Offer, type StoredLogo } from './commune-repository.js';
export {
  checkColor,
  checkIdentityChange,
  checkIdentityUrl,
  checkLogo,
  contrastWithWhite,
  LOGO_MAX_BYTES,
  LOGO_TYPES,
  relativeLuminance,
  type CommuneIdentity,
  type CommuneIdentityChange,
  type Logo,
  type LogoType,
} from './commune-identity.js';
export type { ClientRecord } from './client-repository.js';
export {
  buildClientMetadata,
  checkRegisteredUri,
  FREE_SCOPES,
  isRedirectUriField,
  needsSectorIdentifier,
  splitSensitiveScopes,
  type ClientMetadata,
  type ClientRequest,
} from './client-metadata.js';
export type { ScopeRequest, ScopeRequestStatus } from './scope-request-repository.js';
export { CLIENT_CHANGES_CHANNEL, createClientCache, type ClientCache } from './client-cache.js';
export { clientJson, communeJson, communeLogoPath, logoSummaryJson } from './json.js';
export { checkSecretOverlap, MAX_SECRET_OVERLAP_SECONDS } from './secret-rotation.js';
export type {
  ClientUpdate,
  Clients,
  ClientWriteOptions,
  CommuneInput,
  Communes,
  LogoSummary,
  NewClientResult,
  ProviderClientMetadata,
  ProviderClients,
  Registry,
  RegistryDeps,
  RegistrationTokenBindings,
  ScopeApprovals,
} from './types.js';

export function createRegistry(deps: RegistryDeps): Registry {
  const communes = communeOperations(deps.db, deps.log);
  const { changed, ...clients } = clientOperations(deps, communes);
  return { ...communes, ...clients, ...approvalOperations(deps.db, deps.sealer, { ...communes, ...clients }, changed) };
}
