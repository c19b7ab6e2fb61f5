// SQLSTATE codes we act on, so callers never match error messages.
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const CHECK_VIOLATION = '23514';

export function hasSqlState(error: unknown, code: string): error is { code: string; constraint?: string } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

// The database cannot be reached or is going away: class 08 (connection exception), a server shutting
// down or starting (57P01–57P03), out of connections (53300); and the socket errors Node reports for a
// server that refuses, resets or cannot be reached.
const UNREACHABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** True for an error whose code says the database is unreachable (not that it refused a query). */
export function isConnectionFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return false;
  return code.startsWith('08') || UNREACHABLE_SQLSTATES.has(code) || SOCKET_ERRORS.has(code);
}

/** A SQLSTATE (five characters) proves that the server answered, whatever it said. */
export function hasAnySqlState(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
