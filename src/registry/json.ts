// The JSON shapes of communes and clients, the same for the CLI and the operators' API.
import type { ClientRecord } from './client-repository.js';
import type { Commune } from './commune-repository.js';

export function communeJson(commune: Commune) {
  return {
    slug: commune.slug,
    name: commune.name,
    insee: commune.inseeCode ?? null,
    population: commune.population ?? null,
    pilot: commune.isPilot,
    offer: commune.offer,
    created_at: commune.createdAt.toISOString(),
  };
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
  };
}
