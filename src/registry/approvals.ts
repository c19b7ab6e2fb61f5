// Sensitive scopes waiting for the Métropole's decision, and the initial access tokens of self-registration.
import type { Queryable } from '../db/index.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { Sealer } from '../sealing.js';
import type { ClientRecord } from './client-repository.js';
import { updateClient } from './client-repository.js';
import { findRegistrationTokenCommune, insertRegistrationToken } from './registration-token-repository.js';
import { decideScopeRequest, findScopeRequest, listScopeRequests } from './scope-request-repository.js';
import type { Clients, Communes, RegistrationTokenBindings, ScopeApprovals } from './types.js';

type ApprovalOperations = ScopeApprovals & RegistrationTokenBindings;

export function approvalOperations(
  db: Queryable,
  sealer: Pick<Sealer, 'digest'>,
  registry: Pick<Communes, 'getCommune'> & Pick<Clients, 'getClient'>,
  changed: (clientId: string) => Promise<ClientRecord>,
): ApprovalOperations {
  // An initial access token is a bearer credential: only its keyed digest is kept beside its commune.
  const tokenKey = (jti: string) => sealer.digest(`registration-token:${jti}`);
  const operations: ApprovalOperations = {
    async bindRegistrationToken(jti, communeSlug, createdBy, expiresAt) {
      await registry.getCommune(communeSlug);
      await insertRegistrationToken(db, { jti: tokenKey(jti), communeSlug, createdBy, expiresAt });
    },
    registrationTokenCommune: (jti) => findRegistrationTokenCommune(db, tokenKey(jti)),
    listScopeRequests: (status, communes) => listScopeRequests(db, status, communes === 'all' ? null : communes),
    async getScopeRequest(id) {
      const request = await findScopeRequest(db, id);
      if (!request) throw notFound('scope_request_not_found', `no scope request ${id}`);
      return request;
    },
    async decideScopeRequest(id, decision, decidedBy, reason) {
      const request = await operations.getScopeRequest(id);
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
      return operations.getScopeRequest(id);
    },
  };
  return operations;
}
