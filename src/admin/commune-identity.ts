// /communes/{slug}/identity and /communes/{slug}/logo: what the citizen's pages show of a commune, set by
// whoever manages it (its referents, its syndicate, the Métropole). The logo travels as base64 in JSON so
// that it goes through the one pipeline of the API (schemas, validation, body limit, document); the audit
// row describes it (type, size, SHA-256), never carries its bytes.
import { Type } from 'typebox';
import { invalid } from '../errors.js';
import { communeJson, logoSummaryJson } from '../registry/index.js';
import { audited } from './context.js';
import { ok, route } from './route.js';
import { Commune } from './schemas.js';

const SlugParam = Type.Object({ slug: Type.String({ description: "The commune's slug" }) });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const clears = 'null or an empty string clears it';

const identityBody = Type.Partial(
  Type.Object({
    display_name: Nullable(Type.String({ description: `The name the pages show, 1 to 120 characters (${clears})` })),
    color: Nullable(Type.String({ description: `#RRGGBB; refused unless white text on it reaches a 4.5:1 contrast (${clears})` })),
    website_url: Nullable(Type.String({ description: `Its website, an https URL (${clears})` })),
    privacy_url: Nullable(Type.String({ description: `Its privacy policy, an https URL (${clears})` })),
    help_contact: Nullable(Type.String({ description: `Whom citizens contact for help, one line of at most 300 characters (${clears})` })),
  }),
);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const logoAudit = (logo: { contentType: string; sha256: string } | undefined) =>
  logo ? { content_type: logo.contentType, sha256: logo.sha256 } : null;

export const communeIdentityRoutes = () => [
  route({
    method: 'PATCH',
    path: '/communes/{slug}/identity',
    operationId: 'updateCommuneIdentity',
    tag: 'communes',
    permission: 'manages-path-commune',
    summary: "Change a commune's identity",
    description:
      "Sets the fields given of what the citizen's pages show (display name, main colour, website, privacy policy, help contact) and keeps the others (audited, before and after).",
    params: SlugParam,
    body: identityBody,
    example: { display_name: "Ville d'Oullins", color: '#0B4F9C', website_url: 'https://www.ville-oullins.fr/', help_contact: null },
    answers: { 200: { description: 'The commune with its identity', schema: Commune } },
    refusals: { 404: 'No such commune' },
    async handle({ params, body, deps, ctx }) {
      const commune = await audited(deps, ctx, async (db) => {
        const registry = deps.registryFor(db);
        const before = communeJson(await registry.getCommune(params.slug));
        const after = await registry.setCommuneIdentity(params.slug, {
          displayName: body.display_name,
          mainColor: body.color,
          websiteUrl: body.website_url,
          privacyUrl: body.privacy_url,
          helpContact: body.help_contact,
        });
        return {
          result: after,
          audit: {
            action: 'commune.identity_changed',
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

  route({
    method: 'POST',
    path: '/communes/{slug}/logo',
    operationId: 'setCommuneLogo',
    tag: 'communes',
    permission: 'manages-path-commune',
    summary: "Set a commune's logo",
    description:
      'Replaces the logo (audited without its bytes). Its type is read from its content: PNG, JPEG or WebP only (no SVG, no GIF), at most 45 KiB, each side at most 2048 pixels. It is then served at the logo_url of the commune.',
    params: SlugParam,
    body: Type.Object({ image_base64: Type.String({ description: "The image file's bytes in base64 (RFC 4648, with padding)" }) }),
    example: { image_base64: 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==' },
    answers: { 200: { description: 'The commune with its new logo_url', schema: Commune } },
    refusals: { 404: 'No such commune' },
    async handle({ params, body, deps, ctx }) {
      if (!BASE64.test(body.image_base64)) {
        throw invalid('invalid_request', 'image_base64: the image in base64', { field: 'image_base64' });
      }
      const bytes = Buffer.from(body.image_base64, 'base64');
      const commune = await audited(deps, ctx, async (db) => {
        const registry = deps.registryFor(db);
        const before = logoAudit((await registry.getCommune(params.slug)).logo);
        const { commune: after, logo } = await registry.setCommuneLogo(params.slug, bytes);
        return {
          result: after,
          audit: {
            action: 'commune.logo_changed',
            communeSlug: params.slug,
            target: `commune:${params.slug}`,
            before,
            after: logoSummaryJson(logo),
          },
        };
      });
      return ok(communeJson(commune));
    },
  }),

  route({
    method: 'DELETE',
    path: '/communes/{slug}/logo',
    operationId: 'removeCommuneLogo',
    tag: 'communes',
    permission: 'manages-path-commune',
    summary: "Remove a commune's logo",
    description: 'The pages show the commune without a logo (audited).',
    params: SlugParam,
    answers: { 200: { description: 'The commune, logo_url null', schema: Commune } },
    refusals: { 404: 'No such commune' },
    async handle({ params, deps, ctx }) {
      const commune = await audited(deps, ctx, async (db) => {
        const registry = deps.registryFor(db);
        const before = logoAudit((await registry.getCommune(params.slug)).logo);
        const { commune: after } = await registry.setCommuneLogo(params.slug, null);
        return {
          result: after,
          audit: { action: 'commune.logo_removed', communeSlug: params.slug, target: `commune:${params.slug}`, before, after: null },
        };
      });
      return ok(communeJson(commune));
    },
  }),
];
