// All SQL about communes.
import type { Queryable } from '../db/index.js';
import type { CommuneIdentity, Logo, LogoType } from './commune-identity.js';

export type Offer = 'global' | 'restricted';

export interface Commune {
  slug: string;
  name: string;
  inseeCode: string | undefined;
  population: number | undefined;
  isPilot: boolean;
  offer: Offer;
  createdAt: Date;
  identity: CommuneIdentity;
  /** What is known of its logo without its bytes (those are read only to serve it). */
  logo: { contentType: LogoType; sha256: string } | undefined;
}

interface CommuneRow {
  slug: string;
  name: string;
  insee_code: string | null;
  population: number | null;
  is_pilot: boolean;
  offer: Offer;
  created_at: Date;
  display_name: string | null;
  main_color: string | null;
  website_url: string | null;
  privacy_url: string | null;
  help_contact: string | null;
  logo_content_type: LogoType | null;
  logo_sha256: string | null;
}

const COLUMNS = `slug, name, insee_code, population, is_pilot, offer, created_at,
  display_name, main_color, website_url, privacy_url, help_contact, logo_content_type, logo_sha256`;

function toCommune(row: CommuneRow): Commune {
  return {
    slug: row.slug,
    name: row.name,
    inseeCode: row.insee_code ?? undefined,
    population: row.population ?? undefined,
    isPilot: row.is_pilot,
    offer: row.offer,
    createdAt: row.created_at,
    identity: {
      displayName: row.display_name ?? undefined,
      mainColor: row.main_color ?? undefined,
      websiteUrl: row.website_url ?? undefined,
      privacyUrl: row.privacy_url ?? undefined,
      helpContact: row.help_contact ?? undefined,
    },
    logo: row.logo_content_type && row.logo_sha256 ? { contentType: row.logo_content_type, sha256: row.logo_sha256 } : undefined,
  };
}

export type NewCommune = Omit<Commune, 'createdAt' | 'identity' | 'logo'>;

/** Inserts; undefined when the slug is taken. A taken INSEE code raises a unique violation. */
export async function insertCommune(db: Queryable, commune: NewCommune): Promise<Commune | undefined> {
  const { rows } = await db.query<CommuneRow>(
    `insert into communes (slug, name, insee_code, population, is_pilot, offer)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (slug) do nothing
     returning ${COLUMNS}`,
    [commune.slug, commune.name, commune.inseeCode ?? null, commune.population ?? null, commune.isPilot, commune.offer],
  );
  return rows[0] && toCommune(rows[0]);
}

export async function findCommune(db: Queryable, slug: string): Promise<Commune | undefined> {
  const { rows } = await db.query<CommuneRow>(`select ${COLUMNS} from communes where slug = $1`, [slug]);
  return rows[0] && toCommune(rows[0]);
}

export async function listCommunes(db: Queryable): Promise<Commune[]> {
  const { rows } = await db.query<CommuneRow>(`select ${COLUMNS} from communes order by slug`);
  return rows.map(toCommune);
}

export async function updateCommune(db: Queryable, commune: NewCommune): Promise<Commune | undefined> {
  const { rows } = await db.query<CommuneRow>(
    `update communes set name = $2, insee_code = $3, population = $4, is_pilot = $5, offer = $6, updated_at = now()
     where slug = $1 returning ${COLUMNS}`,
    [commune.slug, commune.name, commune.inseeCode ?? null, commune.population ?? null, commune.isPilot, commune.offer],
  );
  return rows[0] && toCommune(rows[0]);
}

/** Writes the whole identity (the caller merged the change into the current one). */
export async function updateCommuneIdentity(db: Queryable, slug: string, identity: CommuneIdentity): Promise<Commune | undefined> {
  const { rows } = await db.query<CommuneRow>(
    `update communes set display_name = $2, main_color = $3, website_url = $4, privacy_url = $5, help_contact = $6, updated_at = now()
     where slug = $1 returning ${COLUMNS}`,
    [
      slug,
      identity.displayName ?? null,
      identity.mainColor ?? null,
      identity.websiteUrl ?? null,
      identity.privacyUrl ?? null,
      identity.helpContact ?? null,
    ],
  );
  return rows[0] && toCommune(rows[0]);
}

/** Stores a checked logo, or removes it (null). */
export async function updateCommuneLogo(db: Queryable, slug: string, logo: Logo | null): Promise<Commune | undefined> {
  const { rows } = await db.query<CommuneRow>(
    `update communes set logo = $2, logo_content_type = $3, logo_sha256 = $4, updated_at = now()
     where slug = $1 returning ${COLUMNS}`,
    [slug, logo?.bytes ?? null, logo?.contentType ?? null, logo?.sha256 ?? null],
  );
  return rows[0] && toCommune(rows[0]);
}

export interface StoredLogo {
  bytes: Buffer;
  contentType: LogoType;
  sha256: string;
}

/** The logo's bytes, to serve them; undefined when the commune is unknown or has none. */
export async function findCommuneLogo(db: Queryable, slug: string): Promise<StoredLogo | undefined> {
  const { rows } = await db.query<{ logo: Buffer; logo_content_type: LogoType; logo_sha256: string }>(
    `select logo, logo_content_type, logo_sha256 from communes where slug = $1 and logo is not null`,
    [slug],
  );
  const row = rows[0];
  return row && { bytes: row.logo, contentType: row.logo_content_type, sha256: row.logo_sha256 };
}
