// Which hosts a client may have the server call (its back-channel logout URI): none on a loopback, private,
// link-local or other special-use address — the ranges the library's SSRF guard refuses at send time —
// unless OUTBOUND_ALLOWLIST names it. Without this, registering http://127.0.0.1:22/ and signing out turns
// the provider into a port scanner of its own network. Checked on the URI as written (literal addresses,
// localhost names); a public name that resolves to such an address is still stopped by the send-time guard.
import { BlockList, isIP } from 'node:net';
import type { OutboundAllowList } from '../config.js';

// IANA special-purpose registries, as oidc-provider's lib/helpers/fetch_request.js lists them.
const SPECIAL_USE_IPV4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const SPECIAL_USE_IPV6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['2620:4f:8000::', 48],
  ['3fff::', 20],
  ['5f00::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];

const SPECIAL_USE = new BlockList();
for (const [prefix, bits] of SPECIAL_USE_IPV4) SPECIAL_USE.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of SPECIAL_USE_IPV6) SPECIAL_USE.addSubnet(prefix, bits, 'ipv6');

// Names every resolver maps to loopback (RFC 6761 reserves localhost and its subdomains).
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** A host (as URL.hostname gives it: IPv6 in brackets) that names a loopback, private or special-use address. */
export function isSpecialUseHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const family = isIP(host);
  // IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are checked against the IPv4 ranges by BlockList itself.
  if (family !== 0) return SPECIAL_USE.check(host, family === 4 ? 'ipv4' : 'ipv6');
  return LOOPBACK_NAMES.has(host) || host.endsWith('.localhost');
}

/** True when the server may call this host back: a public one, or one OUTBOUND_ALLOWLIST admits. */
export function isAdmittedCallbackHost(hostname: string, allowList: OutboundAllowList | undefined): boolean {
  return !isSpecialUseHost(hostname) || allowList?.allows(hostname.replace(/\.$/, '')) === true;
}
