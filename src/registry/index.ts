// The per-commune client registry (domain): communes, the relying-party clients each one owns, the
// sensitive scopes they wait for and the tokens of self-registration; usage and contributions are in reports/.
import { approvalOperations } from './approvals.js';
import { clientOperations } from './clients.js';
import { communeOfChangeKey } from './commune-cache.js';
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
export { createCommuneCache, type CommuneCache } from './commune-cache.js';
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
  const communes = communeOperations(deps.db, deps.log, deps.communeCache);
  const { changed, ...clients } = clientOperations(deps, communes);
  /** A notification names a client or a commune (commune-cache.ts); none: this instance may have missed some, all go. */
  const forget = (key?: string) => {
    const slug = key === undefined ? undefined : communeOfChangeKey(key);
    if (key === undefined || slug === undefined) clients.forget(key);
    if (key === undefined) deps.communeCache?.entries.invalidate();
    else if (slug !== undefined) deps.communeCache?.entries.invalidate(slug);
  };
  return { ...communes, ...clients, forget, ...approvalOperations(deps.db, deps.sealer, { ...communes, ...clients }, changed) };
}
