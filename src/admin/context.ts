// What every operators' API handler shares: dependencies, the authenticated principal, request reading,
// pagination, and the unit of work (a change and its audit row commit together).
import type { Context } from 'koa';
import type { Pool, PoolClient, Queryable } from '../db/index.js';
import { AppError, invalid } from '../errors.js';
import type { Operators, Principal } from '../operators/index.js';
import { canManageCommune, isMetropoleAdmin } from '../operators/index.js';
import type { Registry, Reports } from '../registry/index.js';
import type { Accounts } from '../accounts/index.js';
import type { AccountChanges } from '../services/index.js';
import { audited as sharedAudited, type AuditedChange } from '../operators/index.js';

export interface AdminDeps {
  pool: Pool;
  issuer: string;
  operators: Operators;
  accounts: Accounts;
  /** The account changes that also end sessions and tokens (locking). */
  changes: Pick<AccountChanges, 'setLocked'>;
  registry: Registry;
  /** A registry whose writes go through `db` (the request's transaction). */
  registryFor(db: Queryable): Registry;
  reports: Reports;
  findToken(value: string): Promise<{ accountId: string | undefined; clientId: string; audiences: string[]; scopes: Set<string> } | undefined>;
}

export function principalOf(ctx: Context): Principal {
  return ctx.state.principal as Principal;
}

export function requireMetropoleAdmin(ctx: Context): void {
  if (!isMetropoleAdmin(principalOf(ctx))) throw new AppError('forbidden', 'forbidden', 'this operation is for metropole-admin operators');
}

export function requireCommune(ctx: Context, communeSlug: string): void {
  if (!canManageCommune(principalOf(ctx), communeSlug)) {
    throw new AppError('forbidden', 'forbidden', `you do not manage the commune "${communeSlug}"`);
  }
}

export function bodyOf(ctx: Context): Record<string, unknown> {
  const body = ctx.request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('invalid_request', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('invalid_request', `${field}: a string`, { field });
  return value;
}

export function optionalStrings(body: Record<string, unknown>, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid('invalid_request', `${field}: an array of strings`, { field });
  return value as string[];
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid('invalid_request', `${field}: true or false`, { field });
  return value;
}

export function optionalInteger(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid('invalid_request', `${field}: a whole number`, { field });
  return value;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** ?limit= (1–200, default 50) and ?offset= over an in-memory list. */
export function paginate<T>(ctx: Context, items: T[]): Page<T> {
  const limit = Number(ctx.query.limit ?? 50);
  const offset = Number(ctx.query.offset ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw invalid('invalid_request', 'limit: 1 to 200', { field: 'limit' });
  if (!Number.isInteger(offset) || offset < 0) throw invalid('invalid_request', 'offset: 0 or more', { field: 'offset' });
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}

/** Runs a change and its one audit row in one transaction (the shared unit of work of operators/audited.ts). */
export function audited<T>(deps: AdminDeps, ctx: Context, work: (db: PoolClient) => Promise<{ result: T; audit: AuditedChange }>): Promise<T> {
  const principal = principalOf(ctx);
  return sharedAudited(deps.pool, { actor: principal.actor, label: principal.label, origin: ctx.ip }, work);
}
