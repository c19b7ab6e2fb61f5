// What every operators' API handler shares: dependencies, the authenticated principal (and the actor of
// its changes), pagination, and the unit of work (a change and its audit row commit together).
import type { Context } from 'koa';
import type { Config } from '../config.js';
import type { Pool, PoolClient, Queryable } from '../db/index.js';
import type { Actor, Operators, Principal } from '../operators/index.js';
import type { Registry } from '../registry/index.js';
import type { Reports } from '../reports/index.js';
import type { Accounts } from '../accounts/index.js';
import type { AccountChanges, CounterRecovery } from '../services/index.js';
import type { RegistrationTokens } from '../oidc/index.js';
import { audited as sharedAudited, type AuditedChange } from '../operators/index.js';

/** The API's settings (config/default.json, operatorsApi): its page sizes, its body limit, the audit's reach. */
export type ApiPolicy = Config['operatorsApi'];

export interface AdminDeps {
  pool: Pool;
  issuer: string;
  policy: ApiPolicy;
  operators: Operators;
  accounts: Accounts;
  /** The account changes that also end sessions and tokens (locking). */
  changes: Pick<AccountChanges, 'setLocked' | 'resendVerification'>;
  /** Counter codes, issued by the counter agents of a commune. */
  counterRecovery: Pick<CounterRecovery, 'issueCounterCode'>;
  registry: Registry;
  /**
   * Initial access tokens for dynamic registration into a commune (RFC 7591, at /reg), minted by the serving
   * provider, and their life in seconds (operators.communeTokenTtlSeconds: default and bounds).
   */
  registrationTokens: Pick<RegistrationTokens, 'issue'> & { ttlSeconds: { default: number; min: number; max: number } };
  /** A registry whose writes go through `db` (the request's transaction). */
  registryFor(db: Queryable): Registry;
  reports: Reports;
  findToken(
    value: string,
  ): Promise<{ accountId: string | undefined; clientId: string; audiences: string[]; scopes: Set<string> } | undefined>;
}

export function principalOf(ctx: Context): Principal {
  return ctx.state.principal as Principal;
}

/** Who makes a change through the API, for its audit row. */
export function actorOf(ctx: Context): Actor {
  const principal = principalOf(ctx);
  return { actor: principal.actor, label: principal.label, origin: ctx.ip };
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** The page `query` asks for (pagingQuery in schemas.ts) of an in-memory list. */
export function paginate<T>(items: T[], { limit, offset }: { limit: number; offset: number }): Page<T> {
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}

/** Runs a change and its one audit row in one transaction (the shared unit of work of operators/audited.ts). */
export function audited<T>(
  deps: AdminDeps,
  ctx: Context,
  work: (db: PoolClient) => Promise<{ result: T; audit: AuditedChange }>,
): Promise<T> {
  return sharedAudited(deps.pool, actorOf(ctx), work);
}
