// Pairwise subjects with the commune as sector: two sites of one commune see the same sub, two communes
// different ones. The salt is a server secret, so subs cannot be linked across communes from outside.
import { createHash } from 'node:crypto';
import type { Configuration } from 'oidc-provider';

export function createPairwiseIdentifier(salt: string): NonNullable<Configuration['pairwiseIdentifier']> {
  return (_ctx, accountId, client) => {
    // commune is ours (client-schema.ts); sectorIdentifier is the library's, computed but left out of its typings.
    const { commune, sectorIdentifier } = client as unknown as { commune?: string; sectorIdentifier?: string };
    const sector = commune ?? sectorIdentifier ?? client.clientId;
    return createHash('sha256').update(`${sector}\u0000${accountId}\u0000${salt}`).digest('base64url');
  };
}
