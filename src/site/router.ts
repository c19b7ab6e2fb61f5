// The site's own pages, outside any flow and any account: the home page at /, and the footer's pages
// (accessibility statement, legal notice, personal data, help), in the visitor's language.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config, InfoPage } from '../config.js';
import { sendPage } from '../http/index.js';
import type { Communes } from '../registry/index.js';
import { homePage, infoPage, INFO_PAGE_LINKS, type Views } from '../views/index.js';

export interface SiteDeps {
  views: Views;
  registry: Pick<Communes, 'listCommunes'>;
  config: Pick<Config, 'infoPages'>;
}

const pageOf = (deps: SiteDeps, ctx: Context) =>
  deps.views.pageFor(typeof ctx.query.ui_locales === 'string' ? ctx.query.ui_locales : undefined, ctx.get('accept-language'));

/** The paths this router answers, for the metrics' route labels. */
export const SITE_ROUTES = ['/', '/favicon.ico', ...INFO_PAGE_LINKS.map((link) => link.path)];

export function createSiteRouter(deps: SiteDeps): Router {
  const router = new Router();
  router.get('/', async (ctx) => {
    const communes = await deps.registry.listCommunes();
    sendPage(
      ctx,
      homePage(
        pageOf(deps, ctx),
        communes.filter((commune) => commune.slug !== 'metropole'),
      ).toString(),
    );
  });
  for (const link of INFO_PAGE_LINKS) {
    router.get(link.path, (ctx) => {
      const page = pageOf(deps, ctx);
      const name: InfoPage = link.page;
      sendPage(ctx, infoPage(page, page.t(`info_pages.${name}.title`), deps.config.infoPages[name][page.locale]).toString());
    });
  }
  // Browsers ask /favicon.ico of their own accord; the icon is the SVG the pages name.
  router.get('/favicon.ico', (ctx) => {
    ctx.status = 301;
    ctx.redirect('/favicon.svg');
  });
  return router;
}
