// The command line as an actor of the audit log: who ran it, on which machine.
import { hostname, userInfo } from 'node:os';
import type { Actor } from '../operators/index.js';

export function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the machine still identifies the origin.
  }
  return { actor: 'cli', label: user, origin: `cli@${hostname()}` };
}
