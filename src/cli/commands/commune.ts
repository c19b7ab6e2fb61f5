import { readFileSync } from 'node:fs';
import { invalid } from '../../errors.js';
import { audited } from '../../operators/index.js';
import { communeJson, createRegistry, logoSummaryJson } from '../../registry/index.js';
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

/** A file's bytes for --logo; '' (nothing to read) removes the logo. */
function logoBytes(path: string | undefined): Uint8Array | null | undefined {
  if (path === undefined) return undefined;
  if (path === '') return null;
  try {
    return readFileSync(path);
  } catch {
    throw invalid('commune_logo_unreadable', `--logo: cannot read ${path}`, { field: 'logo' });
  }
}

export const communeSet = defineCommand({
  name: 'commune set',
  summary: "set a commune's identity on the citizen's pages (an option not given is kept; an empty value clears it)",
  options: {
    slug: required('SLUG', 'the commune'),
    'display-name': optional('NAME', "the name the pages show (Ville d'Oullins)"),
    website: optional('URL', 'its website, https (where the pages send citizens back)'),
    color: optional('#RRGGBB', 'its main colour; white text on it must reach a 4.5:1 contrast'),
    logo: optional('FILE', 'a PNG, JPEG or WebP image, at most 45 KiB (its type is read from its content)'),
    'privacy-url': optional('URL', 'its privacy policy, https'),
    'help-contact': optional('TEXT', 'whom citizens contact for help, one line'),
  },
  async run(context, values) {
    const logo = logoBytes(values.logo);
    const commune = await audited(context.db.pool, cliActor(), async (db) => {
      const registry = createRegistry({ db, sealer: context.sealer, log: context.log, cacheTtlSeconds: 0 });
      const before = await registry.getCommune(values.slug);
      const change = {
        displayName: values['display-name'],
        mainColor: values.color,
        websiteUrl: values.website,
        privacyUrl: values['privacy-url'],
        helpContact: values['help-contact'],
      };
      let after = Object.values(change).some((v) => v !== undefined) ? await registry.setCommuneIdentity(values.slug, change) : before;
      let logoAfter = before.logo ? { content_type: before.logo.contentType, sha256: before.logo.sha256 } : null;
      if (logo !== undefined) {
        const stored = await registry.setCommuneLogo(values.slug, logo);
        after = stored.commune;
        logoAfter = logoSummaryJson(stored.logo);
      }
      const beforeJson = communeJson(before);
      return {
        result: after,
        audit: {
          action: 'commune.identity_changed',
          communeSlug: values.slug,
          target: `commune:${values.slug}`,
          before: { ...beforeJson, logo: before.logo ? { content_type: before.logo.contentType, sha256: before.logo.sha256 } : null },
          after: { ...communeJson(after), logo: logoAfter },
        },
      };
    });
    return { json: communeJson(commune), text: `commune ${commune.slug}: identity saved` };
  },
});
