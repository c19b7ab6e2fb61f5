// The commune as pairwise sector. A pairwise client whose redirect URIs span several hosts is given its
// commune's sector_identifier_uri, which we serve ourselves and the provider need not fetch: our pairwise
// subjects are derived from the commune, not from that document.
import type { Middleware } from 'koa';
import type { Clients } from '../registry/index.js';

const PATH = /^\/communes\/([a-z0-9-]+)\/sector-identifier$/;
/** PATH as a route template (metrics labels). */
export const SECTOR_DOCUMENT_ROUTE = '/communes/:slug/sector-identifier';

// The provider's schema accepts only https sector URIs; in development (http://localhost) the URI keeps
// the https scheme: it is never fetched, and in production ISSUER is https anyway.
function httpsOrigin(issuer: string): string {
  return `https://${new URL(issuer).host}`;
}

export function communeSectorUri(issuer: string, communeSlug: string): string {
  return `${httpsOrigin(issuer)}/communes/${communeSlug}/sector-identifier`;
}

export function isCommuneSectorUri(issuer: string, uri: string | undefined): boolean {
  return uri !== undefined && uri.startsWith(`${httpsOrigin(issuer)}/communes/`) && PATH.test(new URL(uri).pathname);
}

/** GET /communes/:slug/sector-identifier — the JSON array of the commune's redirect URIs. */
export function sectorDocuments(registry: Pick<Clients, 'listSectorRedirectUris'>): Middleware {
  return async (ctx, next) => {
    const slug = ctx.method === 'GET' ? PATH.exec(ctx.path)?.[1] : undefined;
    if (!slug) {
      await next();
      return;
    }
    ctx.body = await registry.listSectorRedirectUris(slug);
    ctx.set('Cache-Control', 'public, max-age=300');
  };
}
