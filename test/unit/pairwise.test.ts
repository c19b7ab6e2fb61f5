import type { Client, KoaContextWithOIDC } from 'oidc-provider';
import { createPairwiseIdentifier } from '../../src/oidc/pairwise.js';

const ctx = {} as KoaContextWithOIDC;
const ACCOUNT = '5b0c3c1e-8d7a-4c53-9d0e-2f4b6a1c9e11';

function aSite(clientId: string, commune?: string): Client {
  return { clientId, sectorIdentifier: `${clientId}.example.org`, ...(commune ? { commune } : {}) } as unknown as Client;
}

describe('pairwise subject', () => {
  const subjectOf = createPairwiseIdentifier('a server secret salt');

  it('gives two sites of one commune the same sub', async () => {
    const onLyonFr = await subjectOf(ctx, ACCOUNT, aSite('lyon-site', 'lyon'));
    const onLyonBiblio = await subjectOf(ctx, ACCOUNT, aSite('lyon-bibliotheque', 'lyon'));
    expect(onLyonFr).toBe(onLyonBiblio);
  });

  it('gives two communes different subs', async () => {
    const inLyon = await subjectOf(ctx, ACCOUNT, aSite('lyon-site', 'lyon'));
    const inBron = await subjectOf(ctx, ACCOUNT, aSite('bron-site', 'bron'));
    expect(inLyon).not.toBe(inBron);
  });

  it('does not reveal the account id', async () => {
    const sub = await subjectOf(ctx, ACCOUNT, aSite('lyon-site', 'lyon'));
    expect(sub).not.toContain(ACCOUNT);
    expect(sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives two citizens different subs in one commune', async () => {
    const other = '0f6a8b2c-1d3e-4f5a-8b7c-9d0e1f2a3b4c';
    expect(await subjectOf(ctx, ACCOUNT, aSite('lyon-site', 'lyon'))).not.toBe(await subjectOf(ctx, other, aSite('lyon-site', 'lyon')));
  });

  it('depends on the server salt', async () => {
    const elsewhere = createPairwiseIdentifier('another salt');
    expect(await subjectOf(ctx, ACCOUNT, aSite('lyon-site', 'lyon'))).not.toBe(await elsewhere(ctx, ACCOUNT, aSite('lyon-site', 'lyon')));
  });

  it('uses the sector identifier for a client without a commune', async () => {
    const first = await subjectOf(ctx, ACCOUNT, aSite('external-a'));
    const second = await subjectOf(ctx, ACCOUNT, aSite('external-b'));
    expect(first).not.toBe(second);
  });
});
