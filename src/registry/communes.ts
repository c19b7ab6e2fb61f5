// Communes: validated, unique by slug and by INSEE code.
import type { Queryable } from '../db/index.js';
import { afterCommit, hasSqlState, UNIQUE_VIOLATION } from '../db/index.js';
import { conflict, invalid, notFound, present } from '../errors.js';
import type { Logger } from '../log.js';
import { CLIENT_CHANGES_CHANNEL } from './client-cache.js';
import { notifyClientChanged } from './client-repository.js';
import { communeChangeKey, type CommuneCache } from './commune-cache.js';
import { checkIdentityChange, checkLogo } from './commune-identity.js';
import {
  findCommune,
  findCommuneLogo,
  insertCommune,
  listCommunes,
  updateCommune,
  updateCommuneIdentity,
  updateCommuneLogo,
  type NewCommune,
} from './commune-repository.js';
import type { CommuneInput, Communes } from './types.js';

function checkCommune(input: CommuneInput): NewCommune {
  const slug = input.slug.trim();
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 63) {
    throw invalid('commune_slug_invalid', 'slug: lowercase letters, digits and single hyphens (e.g. vaulx-en-velin)', { field: 'slug' });
  }
  const name = input.name.trim();
  if (!name || name.length > 200) throw invalid('commune_name_invalid', 'name: 1 to 200 characters', { field: 'name' });
  if (input.inseeCode !== undefined && !/^[0-9][0-9AB][0-9]{3}$/.test(input.inseeCode)) {
    throw invalid('commune_insee_invalid', 'insee: a 5-character INSEE code such as 69123', { field: 'insee' });
  }
  if (input.population !== undefined && (!Number.isInteger(input.population) || input.population < 0)) {
    throw invalid('commune_population_invalid', 'population: a whole number of inhabitants', { field: 'population' });
  }
  const offer = input.offer ?? 'global';
  if (offer !== 'global' && offer !== 'restricted')
    throw invalid('commune_offer_invalid', 'offer: global or restricted', { field: 'offer' });
  return { slug, name, inseeCode: input.inseeCode, population: input.population, isPilot: input.isPilot ?? false, offer };
}

export function communeOperations(db: Queryable, log: Logger, cache?: CommuneCache): Communes {
  const read = (slug: string) => (cache?.readsThrough ? cache.entries.get(slug, () => findCommune(db, slug)) : findCommune(db, slug));
  /**
   * After a change, once it is committed: every instance drops its copy (NOTIFY is delivered at commit),
   * this one too (the embedded database has no listener). Dropped earlier, a concurrent read could cache
   * the old row again before the commit.
   */
  async function changed<T>(slug: string, result: T): Promise<T> {
    // Announced from a registry without a cache too: the command line's change reaches the servers.
    await notifyClientChanged(db, CLIENT_CHANGES_CHANNEL, communeChangeKey(slug));
    if (cache) await afterCommit(db, () => cache.entries.invalidate(slug));
    return result;
  }
  const operations: Communes = {
    async addCommune(input) {
      const commune = checkCommune(input);
      try {
        const inserted = await insertCommune(db, commune);
        if (!inserted) throw conflict('commune_exists', `a commune with slug "${commune.slug}" already exists`);
        log.info({ event: 'commune.added', commune: inserted.slug }, 'commune.added');
        return inserted;
      } catch (error) {
        if (hasSqlState(error, UNIQUE_VIOLATION))
          throw conflict('commune_insee_taken', `INSEE code ${commune.inseeCode} is already registered`);
        throw error;
      }
    },
    async getCommune(slug) {
      const commune = await read(slug);
      if (!commune) throw notFound('commune_not_found', `unknown commune "${slug}"`);
      return commune;
    },
    listCommunes: () => listCommunes(db),
    async updateCommune(slug, change) {
      const current = await operations.getCommune(slug);
      const next = checkCommune({
        slug,
        name: change.name ?? current.name,
        inseeCode: change.inseeCode ?? current.inseeCode,
        population: change.population ?? current.population,
        isPilot: change.isPilot ?? current.isPilot,
        offer: change.offer ?? current.offer,
      });
      try {
        return await changed(slug, present(await updateCommune(db, next), 'the commune just found'));
      } catch (error) {
        if (hasSqlState(error, UNIQUE_VIOLATION))
          throw conflict('commune_insee_taken', `INSEE code ${next.inseeCode} is already registered`);
        throw error;
      }
    },
    async setCommuneIdentity(slug, change) {
      const checked = checkIdentityChange(change);
      const current = await operations.getCommune(slug);
      const identity = { ...current.identity };
      for (const [key, value] of Object.entries(checked) as [keyof typeof identity, string | null][]) identity[key] = value ?? undefined;
      const updated = present(await updateCommuneIdentity(db, slug, identity), 'the commune just found');
      log.info({ event: 'commune.identity_changed', commune: slug, fields: Object.keys(checked) }, 'commune.identity_changed');
      return changed(slug, updated);
    },
    async setCommuneLogo(slug, bytes, maxBytes) {
      const logo = bytes === null ? null : checkLogo(bytes, maxBytes);
      const updated = await updateCommuneLogo(db, slug, logo);
      if (!updated) throw notFound('commune_not_found', `unknown commune "${slug}"`);
      log.info({ event: 'commune.logo_changed', commune: slug, type: logo?.contentType ?? null }, 'commune.logo_changed');
      await changed(slug, undefined);
      return {
        commune: updated,
        logo: logo && {
          contentType: logo.contentType,
          sha256: logo.sha256,
          bytes: logo.bytes.length,
          width: logo.width,
          height: logo.height,
        },
      };
    },
    findCommuneLogo: (slug) => findCommuneLogo(db, slug),
  };
  return operations;
}
