// What one request to the provider has already read from the database, so that it is not read again in
// the same request: the library asks for a token, then its session by uid, its grant, its account, each with
// its own call; the adapter fetches those rows with the first one (adapter.ts) and leaves them here. The
// scope lives only as long as the request (AsyncLocalStorage): another request, another instance or a
// later change is never answered from it, so it holds nothing a request would not read milliseconds later.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AdapterPayload } from 'oidc-provider';
import type { Account } from '../accounts/index.js';

/** Where the browser of this request is, for the session's activity (session-activity-repository.ts). */
export interface RequestOrigin {
  userAgent: string | undefined;
  ip: string | undefined;
}

interface Scope {
  /** By `model|column|value`; null: read, and there is no such live row. */
  payloads: Map<string, AdapterPayload | null>;
  accounts: Map<string, Account | null>;
  origin?: RequestOrigin;
  /** The session uids whose activity was written with the session itself in this request. */
  seenSessions: Set<string>;
}

const storage = new AsyncLocalStorage<Scope>();

/** Runs one request to the provider with a scope of its own. */
export function inRequestScope<T>(run: () => T): T {
  return storage.run({ payloads: new Map(), accounts: new Map(), seenSessions: new Set() }, run);
}

const keyOf = (model: string, column: string, value: string) => `${model}|${column}|${value}`;

/** A copy: the library turns what it finds into instances it changes. */
export function scopedPayload(model: string, column: string, value: string): AdapterPayload | null | undefined {
  const found = storage.getStore()?.payloads.get(keyOf(model, column, value));
  return found ? structuredClone(found) : found;
}

export function keepPayload(model: string, column: string, value: string, payload: AdapterPayload | null): void {
  storage.getStore()?.payloads.set(keyOf(model, column, value), payload && structuredClone(payload));
}

/** A write to a model makes every row of it read in this request stale. */
export function forgetModel(model: string): void {
  const payloads = storage.getStore()?.payloads;
  if (!payloads) return;
  for (const key of payloads.keys()) if (key.startsWith(`${model}|`)) payloads.delete(key);
}

export function scopedAccount(id: string): Account | null | undefined {
  return storage.getStore()?.accounts.get(id);
}

export function keepAccount(id: string, account: Account | null): void {
  storage.getStore()?.accounts.set(id, account);
}

export function setRequestOrigin(origin: RequestOrigin): void {
  const scope = storage.getStore();
  if (scope) scope.origin = origin;
}

/** The origin to record with a session saved in this request, undefined outside a provider request. */
export function requestOrigin(): RequestOrigin | undefined {
  return storage.getStore()?.origin;
}

export function markSessionSeen(uid: string): void {
  storage.getStore()?.seenSessions.add(uid);
}

export function wasSessionSeen(uid: string): boolean {
  return storage.getStore()?.seenSessions.has(uid) ?? false;
}
