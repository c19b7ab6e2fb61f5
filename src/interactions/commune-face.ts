// The face of the site and commune a flow came from: the client's name, its commune's display name, logo,
// colour and help contact, and where "Retour à …" leads (the client's client_uri, else the commune's
// website). Read once per request from the registry (its communes are cached) and kept on ctx.state.
import type { Context } from 'koa';
import type { Commune } from '../registry/index.js';
import { communeLogoPath } from '../registry/index.js';
import type { CommuneFace } from '../views/index.js';

interface FaceClient {
  clientName?: string | undefined;
  clientUri?: string | undefined;
  commune?: unknown;
}

export async function faceOf(
  client: FaceClient | undefined,
  getCommune: (slug: string) => Promise<Commune>,
): Promise<CommuneFace | undefined> {
  if (!client || typeof client.commune !== 'string' || client.commune === 'metropole') return undefined;
  const commune = await getCommune(client.commune).catch(() => undefined);
  if (!commune) return undefined;
  const { identity } = commune;
  const version = commune.logo?.sha256.slice(0, 16);
  return {
    siteName: client.clientName ?? commune.name,
    communeName: identity.displayName ?? commune.name,
    logoUrl: commune.logo ? communeLogoPath(commune.slug, commune.logo.sha256) : undefined,
    themeUrl: identity.mainColor
      ? `/communes/${commune.slug}/theme.css?v=${identity.mainColor.slice(1).toLowerCase()}${version ? `-${version}` : ''}`
      : undefined,
    backHref: client.clientUri ?? identity.websiteUrl,
    helpContact: identity.helpContact,
  };
}

export const FACE_STATE = 'communeFace';

export function faceInState(ctx: Context): CommuneFace | undefined {
  return (ctx.state as Record<string, CommuneFace | undefined>)[FACE_STATE];
}
