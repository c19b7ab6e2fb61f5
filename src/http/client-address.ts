// The client's address, decided once per request. X-Forwarded-For is a list each proxy appends its peer
// to; the client may write any entries before them. Reading from the right, we step over the proxies we
// trust (TRUST_PROXY) and stop at the first entry they did not write: that is the client, as our
// outermost trusted proxy saw it. The leftmost entry is never believed by itself.
import { isIP } from 'node:net';
import type { TrustProxy } from '../config.js';

/** "1.2.3.4:5678" and "[2001:db8::1]:443" (some proxies add ports) → the bare address; garbage → undefined. */
function bareAddress(entry: string): string | undefined {
  const trimmed = entry.trim();
  const candidate = /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed)?.[1] ?? /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(trimmed)?.[1] ?? trimmed;
  const unmapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(candidate)?.[1] ?? candidate;
  return isIP(unmapped) ? unmapped : undefined;
}

export function resolveClientAddress(forwardedFor: string | undefined, peer: string, trust: TrustProxy): string {
  const peerAddress = bareAddress(peer) ?? peer;
  if (!trust) return peerAddress;
  // The hops, nearest first: our socket's peer, then what each proxy appended, right to left.
  const chain = [
    peerAddress,
    ...(forwardedFor ?? '')
      .split(',')
      .reverse()
      .filter((entry) => entry.trim() !== ''),
  ];
  const isTrusted =
    'hops' in trust ? (index: number) => index < trust.hops : (_index: number, address: string) => trust.proxies.includes(address);
  let client = peerAddress;
  for (const [index, entry] of chain.entries()) {
    const address = bareAddress(entry);
    // A malformed entry cannot have come from a proxy we trust: what we have so far is the best we know.
    if (address === undefined) break;
    client = address;
    if (!isTrusted(index, address)) break;
  }
  return client;
}
