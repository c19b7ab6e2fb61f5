import { audited } from '../../operators/index.js';
import { communeJson, createRegistry } from '../../registry/index.js';
import { cliActor } from '../actor.js';
import { defineCommand } from '../command.js';
import { flag, integer, optional, required } from '../options.js';

export const communeAdd = defineCommand({
  name: 'commune add',
  summary: 'add a commune of the Métropole',
  options: {
    slug: required('SLUG', 'its identifier: lowercase letters, digits and single hyphens (vaulx-en-velin)'),
    name: required('NAME', 'its name (Ville de Lyon)'),
    insee: optional('CODE', 'its INSEE code (69123)'),
    population: integer('N', 'its population, which sets its contribution bracket'),
    pilot: flag('a pilot commune (a discount on its contribution)'),
    offer: optional('OFFER', 'global (default) or restricted'),
  },
  async run(context, values) {
    const input = {
      slug: values.slug,
      name: values.name,
      inseeCode: values.insee,
      population: values.population,
      isPilot: values.pilot,
      offer: values.offer,
    };
    const commune = await audited(context.db.pool, cliActor(), async (db) => {
      const added = await createRegistry({ db, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 }).addCommune(input);
      return {
        result: added,
        audit: { action: 'commune.created', communeSlug: added.slug, target: `commune:${added.slug}`, after: communeJson(added) },
      };
    });
    return { json: communeJson(commune), text: `commune ${commune.slug} (${commune.name}) added` };
  },
});
