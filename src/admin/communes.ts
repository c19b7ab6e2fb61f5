// /communes: the Métropole creates and updates communes; every operator lists those they manage.
import type Router from '@koa/router';
import { communesOf } from '../operators/index.js';
import { communeJson } from '../registry/index.js';
import {
  audited, bodyOf, optionalBoolean, optionalInteger, optionalString, paginate, principalOf, requireCommune,
  requireMetropoleAdmin, type AdminDeps,
} from './context.js';

export function communeRoutes(router: Router, deps: AdminDeps): void {
  router.get('/communes', async (ctx) => {
    const visible = communesOf(principalOf(ctx));
    const communes = (await deps.registry.listCommunes()).filter((c) => visible === 'all' || visible.includes(c.slug));
    ctx.body = paginate(ctx, communes.map(communeJson));
  });

  router.post('/communes', async (ctx) => {
    requireMetropoleAdmin(ctx);
    const body = bodyOf(ctx);
    const commune = await audited(deps, ctx, async (db) => {
      const added = await deps.registryFor(db).addCommune({
        slug: optionalString(body, 'slug') ?? '', name: optionalString(body, 'name') ?? '', inseeCode: optionalString(body, 'insee'),
        population: optionalInteger(body, 'population'), isPilot: optionalBoolean(body, 'pilot'), offer: optionalString(body, 'offer'),
      });
      return { result: added, audit: { action: 'commune.created', communeSlug: added.slug, target: `commune:${added.slug}`, after: communeJson(added) } };
    });
    ctx.status = 201;
    ctx.set('Location', `/admin/api/v1/communes/${commune.slug}`);
    ctx.body = communeJson(commune);
  });

  router.get('/communes/:slug', async (ctx) => {
    requireCommune(ctx, ctx.params.slug!);
    ctx.body = communeJson(await deps.registry.getCommune(ctx.params.slug!));
  });

  router.patch('/communes/:slug', async (ctx) => {
    requireMetropoleAdmin(ctx);
    const body = bodyOf(ctx);
    const slug = ctx.params.slug!;
    const commune = await audited(deps, ctx, async (db) => {
      const registry = deps.registryFor(db);
      const before = communeJson(await registry.getCommune(slug));
      const after = await registry.updateCommune(slug, {
        name: optionalString(body, 'name'), inseeCode: optionalString(body, 'insee'), population: optionalInteger(body, 'population'),
        isPilot: optionalBoolean(body, 'pilot'), offer: optionalString(body, 'offer'),
      });
      return { result: after, audit: { action: 'commune.updated', communeSlug: slug, target: `commune:${slug}`, before, after: communeJson(after) } };
    });
    ctx.body = communeJson(commune);
  });
}
