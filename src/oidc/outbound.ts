// Outgoing calls (back-channel logout, jwks_uri, sector_identifier_uri) keep the library's SSRF guard,
// except towards hosts that OUTBOUND_ALLOWLIST names explicitly (local demos, tests, intranet receivers).
import type { Configuration } from 'oidc-provider';
import type { OutboundAllowList } from '../config.js';

type Fetch = NonNullable<Configuration['fetch']>;

export function createOutboundFetch(allowList: OutboundAllowList): Fetch {
  return (url, options) => {
    const host = new URL(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url).hostname;
    if (allowList.allows(host)) {
      const { dispatcher: _guarded, ...unguarded } = options as RequestInit & { dispatcher?: unknown };
      return fetch(url, unguarded);
    }
    return fetch(url, options);
  };
}
