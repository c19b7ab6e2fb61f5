// /communes: the Métropole creates and updates communes; every operator lists those they manage.
import { Type } from 'typebox';
import { communesOf } from '../operators/index.js';
import { communeJson } from '../registry/index.js';
import { communeIdentityRoutes } from './commune-identity.js';
import { audited, paginate } from './context.js';
import { created, ok, route } from './route.js';
import type { ApiPolicy } from './context.js';
import { Commune, Offer, Page, pagingQuery } from './schemas.js';

const SlugParam = Type.Object({ slug: Type.String({ description: "The commune's slug" }) });
const Name = Type.String({ description: 'Its name, 1 to 200 characters' });
const details = {
  insee: Type.String({ description: 'Its INSEE code, 5 characters such as 69123' }),
  population: Type.Integer({ description: 'Its number of inhabitants (the contribution bracket follows from it)' }),
  pilot: Type.Boolean({ description: 'A pilot commune of the convention (a discount on its contribution)' }),
  offer: Offer,
};

export const communeRoutes = ({ pageSize }: ApiPolicy) => [
  route({
    method: 'GET',
    path: '/communes',
    operationId: 'listCommunes',
    tag: 'communes',
    permission: 'any-operator',
    summary: 'List the communes',
    description: 'The communes the operator manages, every commune for the Métropole, by pages.',
    query: Type.Object(pagingQuery(pageSize)),
    answers: { 200: { description: 'The communes the operator manages', schema: Page(Commune) } },
    async handle({ query, principal, deps }) {
      const visible = communesOf(principal);
      const communes = (await deps.registry.listCommunes()).filter((c) => visible === 'all' || visible.includes(c.slug));
      return ok(paginate(communes.map(communeJson), query));
    },
  }),

  route({
    method: 'POST',
    path: '/communes',
    operationId: 'createCommune',
    tag: 'communes',
    permission: 'metropole-admin',
    summary: 'Create a commune',
    description: 'Adds a commune to the registry (audited). Its slug names it in every path and never changes.',
    body: Type.Object({
      slug: Type.String({ description: 'Lowercase letters, digits and single hyphens (e.g. vaulx-en-velin), at most 63' }),
      name: Name,
      ...Type.Partial(Type.Object(details)).properties,
    }),
    example: { slug: 'bron', name: 'Bron', insee: '69029', population: 41_000, pilot: true, offer: 'global' },
    answers: { 201: { description: 'Created', schema: Commune } },
    refusals: { 409: 'A commune with this slug or this INSEE code exists' },
    async handle({ body, deps, ctx }) {
      const commune = await audited(deps, ctx, async (db) => {
        const added = await deps.registryFor(db).addCommune({
          slug: body.slug,
          name: body.name,
          inseeCode: body.insee,
          population: body.population,
          isPilot: body.pilot,
          offer: body.offer,
        });
        return {
          result: added,
          audit: { action: 'commune.created', communeSlug: added.slug, target: `commune:${added.slug}`, after: communeJson(added) },
        };
      });
      return created(communeJson(commune), `/admin/api/v1/communes/${commune.slug}`);
    },
  }),

  route({
    method: 'GET',
    path: '/communes/{slug}',
    operationId: 'getCommune',
    tag: 'communes',
    permission: 'manages-path-commune',
    summary: 'Read a commune',
    description: 'One commune the operator manages.',
    params: SlugParam,
    answers: { 200: { description: 'The commune', schema: Commune } },
    refusals: { 404: 'No such commune' },
    async handle({ params, deps }) {
      return ok(communeJson(await deps.registry.getCommune(params.slug)));
    },
  }),

  route({
    method: 'PATCH',
    path: '/communes/{slug}',
    operationId: 'updateCommune',
    tag: 'communes',
    permission: 'metropole-admin',
    summary: 'Update a commune',
    description: 'Changes the fields given, keeps the others (audited, with the commune before and after).',
    params: SlugParam,
    body: Type.Partial(Type.Object({ name: Name, ...details })),
    example: { population: 41_500, offer: 'restricted' },
    answers: { 200: { description: 'Updated', schema: Commune } },
    refusals: { 404: 'No such commune', 409: 'Another commune has this INSEE code' },
    async handle({ params, body, deps, ctx }) {
      const commune = await audited(deps, ctx, async (db) => {
        const registry = deps.registryFor(db);
        const before = communeJson(await registry.getCommune(params.slug));
        const after = await registry.updateCommune(params.slug, {
          name: body.name,
          inseeCode: body.insee,
          population: body.population,
          isPilot: body.pilot,
          offer: body.offer,
        });
        return {
          result: after,
          audit: {
            action: 'commune.updated',
            communeSlug: params.slug,
            target: `commune:${params.slug}`,
            before,
            after: communeJson(after),
          },
        };
      });
      return ok(communeJson(commune));
    },
  }),
  ...communeIdentityRoutes(),
];
