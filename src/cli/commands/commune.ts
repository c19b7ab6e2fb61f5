import { audited } from '../../operators/index.js';
import { communeJson, createRegistry } from '../../registry/index.js';
import { cliActor } from '../actor.js';
import { parse, optionalInteger, required } from '../args.js';
import type { CliContext } from '../context.js';

export async function communeAddCommand(context: CliContext, argv: string[]) {
  const values = parse(argv, {
    slug: { type: 'string' }, name: { type: 'string' }, insee: { type: 'string' },
    population: { type: 'string' }, pilot: { type: 'boolean' }, offer: { type: 'string' },
  });
  const input = {
    slug: required(values, 'slug'), name: required(values, 'name'), inseeCode: values.insee as string | undefined,
    population: optionalInteger(values, 'population'), isPilot: Boolean(values.pilot), offer: values.offer as string | undefined,
  };
  const commune = await audited(context.db.pool, cliActor(), async (db) => {
    const added = await createRegistry({ db, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 }).addCommune(input);
    return { result: added, audit: { action: 'commune.created', communeSlug: added.slug, target: `commune:${added.slug}`, after: communeJson(added) } };
  });
  return { json: communeJson(commune), text: `commune ${commune.slug} (${commune.name}) added` };
}
