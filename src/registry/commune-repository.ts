// All SQL about communes.
import type { Queryable } from '../db/index.js';

export type Offer = 'global' | 'restricted';

export interface Commune {
  slug: string;
  name: string;
  inseeCode: string | undefined;
  population: number | undefined;
  isPilot: boolean;
  offer: Offer;
  createdAt: Date;
}

interface CommuneRow {
  slug: string;
  name: string;
  insee_code: string | null;
  population: number | null;
  is_pilot: boolean;
  offer: Offer;
  created_at: Date;
}

const COLUMNS = 'slug, name, insee_code, population, is_pilot, offer, created_at';

function toCommune(row: CommuneRow): Commune {
  return {
    slug: row.slug,
    name: row.name,
    inseeCode: row.insee_code ?? undefined,
    population: row.population ?? undefined,
    isPilot: row.is_pilot,
    offer: row.offer,
    createdAt: row.created_at,
  };
}

export type NewCommune = Omit<Commune, 'createdAt'>;

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
