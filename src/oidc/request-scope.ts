// What one request to the provider has already read from the database, so that it is not read again in
// the same request: the library asks for a token, then its session by uid, its grant, its account, each with
// its own call; the adapter fetches those rows with the first one (adapter.ts) and leaves them here. The
// scope lives only as long as the request (AsyncLocalStorage): another request, another instance or a
// later change is never answered from it, so it holds nothing a request would not read milliseconds later.
//
// The request's writes (a code, its session, the tokens, the sharing journal's line, the usage count) wait
// here too and go as one statement when the library has answered and before the answer leaves
// (flushRequestWrites, provider.ts): durable before the response, in one round trip instead of one each. A
// read of a model with writes waiting sends them first, so no statement ever reads around them.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AdapterPayload } from 'oidc-provider';
import type { QueryResult } from 'pg';
import type { Account } from '../accounts/index.js';
import type { Queryable } from '../db/index.js';
import { AppError, unavailable } from '../errors.js';

/** One statement and its values ($1…). */
export interface Write {
  text: string;
  values: unknown[];
}

/** Where the browser of this request is, for the session's activity (session-activity-repository.ts). */
export interface RequestOrigin {
  userAgent: string | undefined;
  ip: string | undefined;
}

interface Scope {
  /** By `model|column|value`; null: read, and there is no such live row. */
  payloads: Map<string, AdapterPayload | null>;
  accounts: Map<string, Account | null>;
  /** The newest live grant by `accountId|clientId` (null: none). */
  latestGrants: Map<string, string | null>;
  origin?: RequestOrigin;
  /** The session uids whose activity was written with the session itself in this request. */
  seenSessions: Set<string>;
  db: Queryable;
  /** False where the request's answer is not sent by the provider (the interaction pages): reads kept, writes sent at once. */
  defersWrites: boolean;
  /** The sign-in step of an interaction read with it (null: read, none), by interaction uid. */
  signInSteps: Map<string, SignInStepRow | null>;
  /** By the row they write (`model|id`: the last write of a row replaces the earlier), in order. */
  pending: Map<string, { model: string; writes: Write[] }>;
}

const storage = new AsyncLocalStorage<Scope>();

/** A stored sign-in step as the interaction's read returns it (interactions/sign-in.ts reads it). */
export interface SignInStepRow {
  accountId: string;
  proofs: unknown[];
}

/**
 * Runs one request to the provider with a scope of its own; `defersWrites: false` for a request whose
 * pages answer the browser themselves (the interaction routes): only its reads are kept.
 */
export function inRequestScope<T>(db: Queryable, run: () => T, { defersWrites = true } = {}): T {
  return storage.run(
    {
      payloads: new Map(),
      accounts: new Map(),
      latestGrants: new Map(),
      seenSessions: new Set(),
      db,
      defersWrites,
      signInSteps: new Map(),
      pending: new Map(),
    },
    run,
  );
}

let unkeyed = 0;

/**
 * Keeps `writes` for the request's last statement; `row` names the row they write, so that a later write of
 * it replaces them (two writes of one row in one statement would fail). False outside a provider request.
 */
export function deferWrites(db: Queryable, model: string, row: string | undefined, writes: Write[]): boolean {
  const scope = storage.getStore();
  // Through a transaction's client (not the request's pool), a write belongs to that transaction: sent now.
  if (scope?.db !== db || !scope.defersWrites) return false;
  const key = row === undefined ? `#${(unkeyed += 1)}` : `${model}|${row}`;
  scope.pending.delete(key); // a replaced write goes to the end, after what it now follows
  scope.pending.set(key, { model, writes });
  return true;
}

/**
 * The writes a repository function makes through it wait for the request's statement (deferWrites): for
 * code written over a Queryable. Its answer is empty (rowCount 0): only for writes whose answer is not read.
 */
export function deferringQueryable(model: string, row?: string, through?: Queryable): Queryable | undefined {
  const scope = storage.getStore();
  const db = scope?.db;
  if (!db || !scope.defersWrites || (through !== undefined && through !== db)) return undefined;
  const query = (config: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
    const write = typeof config === 'string' ? { text: config, values: values ?? [] } : { text: config.text, values: config.values ?? [] };
    deferWrites(db, model, row, [write]);
    return Promise.resolve({ rows: [], rowCount: 0, command: '', oid: 0, fields: [] });
  };
  // Only `query` is ever called on a Queryable; the driver's overloads are more than these writes need.
  return { query } as unknown as Queryable;
}

/** `text` with its parameters numbered from `offset` + 1. */
const renumbered = (text: string, offset: number) => text.replace(/\$(\d+)/g, (_match, n: string) => `$${Number(n) + offset}`);

/** A write that is a function's call (settle_throttles): as a CTE, it runs only if the statement reads it. */
const isCall = (write: Write) => /^\s*select\b/i.test(write.text);

/** The writes as data-modifying CTEs of one statement, ending in `last` (or nothing to answer). */
function combined(writes: Write[], last: Write | undefined): Write {
  if (writes.length === 0 && last) return last;
  const [only] = writes;
  if (only && writes.length === 1 && !last) return only;
  const values: unknown[] = [];
  const ctes = writes.map((write, i) => {
    const text = renumbered(write.text, values.length);
    values.push(...write.values);
    return `w${i} as (${text})`;
  });
  const calls = writes.flatMap((write, i) => (isCall(write) ? [`(select count(*) from w${i})`] : []));
  const tail = last ? renumbered(last.text, values.length) : `select 1${calls.map((call) => `, ${call}`).join('')}`;
  if (last) values.push(...last.values);
  return { text: `with ${ctes.join(', ')} ${tail}`, values };
}

/**
 * Sends the writes waiting for `models` (all of them when not told), with `last` as the same statement's
 * main part when given (its answer is answered). Outside a provider request, `last` alone goes through `db`.
 */
export async function flushRequestWrites(
  options: { models?: readonly string[]; last?: Write; db?: Queryable } = {},
): Promise<QueryResult | undefined> {
  const scope = storage.getStore();
  const { models, last } = options;
  const db = options.db ?? scope?.db;
  const writes: Write[] = [];
  // A statement through a transaction's client carries none of the request's writes (they are the pool's).
  if (scope && scope.db === db) {
    for (const [key, entry] of scope.pending) {
      if (models && !models.includes(entry.model)) continue;
      writes.push(...entry.writes);
      scope.pending.delete(key);
    }
  }
  if (!writes.length && !last) return undefined;
  if (!db) throw new Error('flushRequestWrites: no database outside a provider request');
  // A call must be read by the statement's main part: with `last` as that part, the writes go first.
  if (last && writes.some(isCall)) {
    const before = combined(writes, undefined);
    await db.query(before.text, before.values);
    return db.query(last.text, last.values);
  }
  const statement = combined(writes, last);
  return db.query(statement.text, statement.values);
}

/**
 * A page request's waiting writes, before its answer: a failure to record them (the sign-in's record, the
 * interaction's result) is the service's, a 503 page in the person's language, never a 500.
 */
export async function flushPageWrites(): Promise<void> {
  try {
    await flushRequestWrites();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unavailable('database_unavailable', 5, 'the sign-in could not be recorded');
  }
}

/** `last` with the request's waiting writes in one statement (through `db` alone outside a request); its answer. */
export async function sendWithRequestWrites(last: Write, db: Queryable): Promise<QueryResult> {
  return (await flushRequestWrites({ last, db })) ?? db.query(last.text, last.values);
}

/**
 * From now on, this page request's writes through the provider's storage and deferringQueryable wait for
 * one statement (flushRequestWrites), which must go before the browser is answered (interactions/sign-in.ts).
 */
export function deferPageWrites(): void {
  const scope = storage.getStore();
  if (scope) scope.defersWrites = true;
}

/** Whether a write of the row `model|row` waits (a statement on that row must send it first). */
export function isRowPending(model: string, row: string): boolean {
  return storage.getStore()?.pending.has(`${model}|${row}`) ?? false;
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
  const scope = storage.getStore();
  if (!scope) return;
  if (model === 'Grant') scope.latestGrants.clear();
  const { payloads } = scope;
  for (const key of payloads.keys()) if (key.startsWith(`${model}|`)) payloads.delete(key);
}

export function scopedAccount(id: string): Account | null | undefined {
  return storage.getStore()?.accounts.get(id);
}

export function keepAccount(id: string, account: Account | null): void {
  storage.getStore()?.accounts.set(id, account);
}

export function scopedLatestGrant(accountId: string, clientId: string): string | null | undefined {
  return storage.getStore()?.latestGrants.get(`${accountId}|${clientId}`);
}

export function keepLatestGrant(accountId: string, clientId: string, grant: { id: string; payload: AdapterPayload } | null): void {
  storage.getStore()?.latestGrants.set(`${accountId}|${clientId}`, grant?.id ?? null);
  if (grant) keepPayload('Grant', 'id', grant.id, grant.payload);
}

/** The interaction's stored sign-in step as read with it in this request: null when none, undefined when not read. */
export function scopedSignInStep(interactionUid: string): SignInStepRow | null | undefined {
  return storage.getStore()?.signInSteps.get(interactionUid);
}

export function keepSignInStep(interactionUid: string, step: SignInStepRow | null): void {
  storage.getStore()?.signInSteps.set(interactionUid, step);
}

/** A step written or removed in this request is read again from the database. */
export function forgetSignInStep(interactionUid: string): void {
  storage.getStore()?.signInSteps.delete(interactionUid);
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
