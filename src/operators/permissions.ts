// Who may do what (pure): the Métropole administers everything; a referent or a syndicate operator
// manages the clients of their communes only. A counter agent manages nothing: the role only lets them
// issue counter codes at the town halls of its communes, so it never counts as managing a commune.
import type { OperatorRecord, Role } from './operator-repository.js';

export interface Principal {
  /** 'account:<uuid>' or 'client:<client_id>' in the audit log. */
  actor: string;
  label: string;
  roles: OperatorRecord['roles'];
}

/** The roles that manage communes (their clients, audit, reports); the counter agent's is not one of them. */
const MANAGING_ROLES: ReadonlySet<Role> = new Set<Role>(['metropole-admin', 'commune-referent', 'syndicate-operator']);

export function isMetropoleAdmin(principal: Principal): boolean {
  return principal.roles.some((r) => r.role === 'metropole-admin');
}

/** 'all' for the Métropole, otherwise the communes the principal manages (possibly none). */
export function communesOf(principal: Principal): 'all' | string[] {
  if (isMetropoleAdmin(principal)) return 'all';
  return [...new Set(principal.roles.filter((r) => MANAGING_ROLES.has(r.role)).flatMap((r) => r.communes))].sort();
}

export function canManageCommune(principal: Principal, communeSlug: string): boolean {
  const communes = communesOf(principal);
  return communes === 'all' || communes.includes(communeSlug);
}

/**
 * Whether the principal may hand over counter codes at this commune's town hall: only a counter agent of that
 * commune. Managing the commune is not enough, not even for the Métropole: the code replaces every factor of an
 * account, so only someone given that duty (and trained to check an identity document) issues it.
 */
export function canIssueCounterCodes(principal: Principal, communeSlug: string): boolean {
  return principal.roles.some((r) => r.role === 'counter-agent' && r.communes.includes(communeSlug));
}

export function checkRoleCommunes(role: Role, communes: string[]): string | undefined {
  if (role === 'metropole-admin' && communes.length) return 'metropole-admin covers every commune: give no --commune';
  if (role !== 'metropole-admin' && communes.length === 0) return `${role} needs at least one --commune`;
  return undefined;
}
