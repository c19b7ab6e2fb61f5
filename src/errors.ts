// AppError: a stable code, which is also the i18n key under "errors.", and a kind that http/ maps to a status.
// The codes are the keys both locale files have: a code without its French and English text does not compile.
import type en from './views/locales/en.json';
import type fr from './views/locales/fr.json';

type FrenchCode = keyof typeof fr.errors;
type EnglishCode = keyof typeof en.errors;
/** `never` (and no AppError compiles) while one locale has an error key the other lacks. */
export type ErrorCode = [FrenchCode] extends [EnglishCode] ? ([EnglishCode] extends [FrenchCode] ? FrenchCode : never) : never;
export type ErrorKind = 'invalid' | 'conflict' | 'not_found' | 'unauthorized' | 'forbidden' | 'rate_limited' | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly kind: ErrorKind,
    message: string = code,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalid = (code: ErrorCode, message?: string, details?: Record<string, unknown>) =>
  new AppError(code, 'invalid', message, details);
export const conflict = (code: ErrorCode, message?: string) => new AppError(code, 'conflict', message);
export const notFound = (code: ErrorCode, message?: string) => new AppError(code, 'not_found', message);
/** Refused for now: the caller may try again after retryAfterSeconds (sent as Retry-After). */
export const rateLimited = (code: ErrorCode, retryAfterSeconds: number, message?: string) =>
  new AppError(code, 'rate_limited', message, { retryAfterSeconds });
/** The service cannot answer for a moment (busy, its database unreachable): 503 with Retry-After. */
export const unavailable = (code: ErrorCode, retryAfterSeconds: number, message?: string) =>
  new AppError(code, 'unavailable', message, { retryAfterSeconds });

/** A value the code has just written or checked (a row re-read in its own transaction): its absence is a bug. */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what}: expected to exist`);
  return value;
}

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};
