// GET /communes/:slug/logo: a commune's uploaded logo, public, for the header of the flow's pages. Its type
// was read from its bytes when stored (PNG, JPEG or WebP) and is sent exactly, with nosniff and a sandboxing
// CSP, so that no browser takes the upload for a page or a script even when opened on its own.
import Router from '@koa/router';
import type { Communes } from '../registry/index.js';

/** An hour: the commune's JSON gives a URL with the logo's version (?v=), so a new logo is a new URL anyway. */
const MAX_AGE_SECONDS = 3600;

export function createCommuneLogoRouter(deps: { registry: Pick<Communes, 'findCommuneLogo' | 'getCommune'> }): Router {
  const router = new Router();
  router.get('/communes/:slug/logo', async (ctx) => {
    const slug = ctx.params.slug ?? '';
    const logo = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) ? await deps.registry.findCommuneLogo(slug) : undefined;
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    if (!logo) {
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'no logo';
      return;
    }
    const etag = `"${logo.sha256}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', `public, max-age=${MAX_AGE_SECONDS}`);
    if (
      ctx
        .get('If-None-Match')
        .split(/\s*,\s*/)
        .includes(etag)
    ) {
      ctx.status = 304;
      return;
    }
    ctx.set('Content-Type', logo.contentType);
    ctx.set('Content-Disposition', 'inline');
    ctx.body = logo.bytes;
  });
  // The commune's colour for its header: a stylesheet, since the pages' CSP allows no inline style. The
  // colour was checked as #RRGGBB with white text at 4.5:1 or more when set, so it is written as it is.
  router.get('/communes/:slug/theme.css', async (ctx) => {
    const slug = ctx.params.slug ?? '';
    const commune = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) ? await deps.registry.getCommune(slug).catch(() => undefined) : undefined;
    const color = commune?.identity.mainColor;
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (!color || !/^#[0-9a-fA-F]{6}$/.test(color)) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'no colour';
      return;
    }
    ctx.set('Cache-Control', `public, max-age=${MAX_AGE_SECONDS}`);
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = `.brand { background: ${color}; }\n`;
  });
  return router;
}
