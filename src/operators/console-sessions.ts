// The operators' console's sessions: a random value in the operator's cookie, its digest in the database.
// A session ends at its sign-out, after idleTimeoutSeconds without a request, or at its fixed end.
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { deleteConsoleSession, insertConsoleSession, touchConsoleSession, type ConsoleSessionTimes } from './console-session-repository.js';

export interface ConsoleSessions {
  /** Opens a session for the account; the answer is the cookie's value, known only to the browser. */
  open(accountId: string): Promise<string>;
  /** The account of a live session (its idle end moves on), undefined for an unknown or ended one. */
  find(value: string): Promise<string | undefined>;
  end(value: string): Promise<void>;
}

const digestOf = (value: string) => createHash('sha256').update(value).digest();

/** A value this module issued: 32 random bytes in base64url. Anything else is looked up nowhere. */
const SESSION_VALUE = /^[A-Za-z0-9_-]{43}$/;

export function createConsoleSessions(db: Queryable, times: ConsoleSessionTimes): ConsoleSessions {
  return {
    async open(accountId) {
      const value = randomBytes(32).toString('base64url');
      await insertConsoleSession(db, digestOf(value), accountId, times);
      return value;
    },
    async find(value) {
      if (!SESSION_VALUE.test(value)) return undefined;
      return touchConsoleSession(db, digestOf(value), times.idleTimeoutSeconds);
    },
    async end(value) {
      if (SESSION_VALUE.test(value)) await deleteConsoleSession(db, digestOf(value));
    },
  };
}
