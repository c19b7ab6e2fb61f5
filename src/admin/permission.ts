// Who may call a route of the operators' API once authenticate.ts has admitted the token (the rules of
// operators/permissions.ts): any operator, the Métropole only, an operator of the commune of the path, or
// the help desk (the Métropole and the counter agents).
import { AppError } from '../errors.js';
import { canHelpCitizens, canManageCommune, isMetropoleAdmin, type Principal } from '../operators/index.js';

/**
 * 'manages-path-commune': the operator manages the commune named by the path's {slug}; 'helps-citizens': the
 * help desk's (canHelpCitizens).
 */
export type Permission = 'any-operator' | 'metropole-admin' | 'manages-path-commune' | 'helps-citizens';

/** Who may call, as the document says it under each operation's description. */
export const PERMISSION_WORDS: Record<Permission, string> = {
  'any-operator': 'Any operator may call it; each sees only the communes they manage.',
  'metropole-admin': 'For metropole-admin operators only.',
  'manages-path-commune': 'For the operators who manage the commune of the path (its referents, its syndicate) and the Métropole.',
  'helps-citizens':
    "For the help desk: metropole-admin operators and the counter agents of any commune (not a commune's referents nor its syndicate).",
};

/** Refuses (403) a principal the route's permission does not admit; `communeSlug` is the path's {slug}. */
export function authorize(permission: Permission, principal: Principal, communeSlug: string | undefined): void {
  if (permission === 'metropole-admin' && !isMetropoleAdmin(principal)) {
    throw new AppError('forbidden', 'forbidden', 'this operation is for metropole-admin operators');
  }
  if (permission === 'helps-citizens' && !canHelpCitizens(principal)) {
    throw new AppError('forbidden', 'forbidden', 'this operation is for the help desk: metropole-admin operators and counter agents');
  }
  if (permission === 'manages-path-commune' && !canManageCommune(principal, communeSlug ?? '')) {
    throw new AppError('forbidden', 'forbidden', `you do not manage the commune "${communeSlug}"`);
  }
}
