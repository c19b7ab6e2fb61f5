// The face of the site and commune a flow came from: the client's name, its commune's display name, logo,
// colour and help contact, where "Retour à …" leads (the client's client_uri, else the commune's website)
// and the privacy policy consent links to. Read once per request from the registry (its communes are
// cached) and kept on ctx.state. A client_id from a request only ever names a client to look up: one the
// registry does not know wears no face, and its text is drawn nowhere.
import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
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
    // The registry keeps no policy_uri of a client (registry/client-metadata.ts): the commune's policy is the site's.
    privacyHref: identity.privacyUrl,
  };
}

/**
 * The face on a page the provider draws (logout, its errors): the client it loaded (id_token_hint,
 * client_id, the logout's session) or, before it loaded one, the client_id its parameters name, when the
 * registry knows it. Looking the face up never fails the page: without it the page is drawn plain.
 */
export async function faceOfProviderRequest(
  ctx: KoaContextWithOIDC,
  getCommune: (slug: string) => Promise<Commune>,
): Promise<CommuneFace | undefined> {
  const oidc = (ctx as Partial<KoaContextWithOIDC>).oidc; // absent on a path the library does not serve
  if (!oidc) return undefined;
  try {
    const named = oidc.params?.client_id;
    const client = oidc.client ?? (typeof named === 'string' && named ? await oidc.provider.Client.find(named) : undefined);
    return await faceOf(client, getCommune);
  } catch {
    return undefined;
  }
}

export const FACE_STATE = 'communeFace';

export function faceInState(ctx: Context): CommuneFace | undefined {
  return (ctx.state as Record<string, CommuneFace | undefined>)[FACE_STATE];
}
