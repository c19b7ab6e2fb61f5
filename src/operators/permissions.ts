// Who may do what (pure): the Métropole administers everything; a referent or a syndicate operator
// manages the clients of their communes only.
import type { OperatorRecord, Role } from './operator-repository.js';

export interface Principal {
  /** 'account:<uuid>' or 'client:<client_id>' in the audit log. */
  actor: string;
  label: string;
  roles: OperatorRecord['roles'];
}

export function isMetropoleAdmin(principal: Principal): boolean {
  return principal.roles.some((r) => r.role === 'metropole-admin');
}

/** 'all' for the Métropole, otherwise the communes the principal manages (possibly none). */
export function communesOf(principal: Principal): 'all' | string[] {
  if (isMetropoleAdmin(principal)) return 'all';
  return [...new Set(principal.roles.flatMap((r) => r.communes))].sort();
}

export function canManageCommune(principal: Principal, communeSlug: string): boolean {
  const communes = communesOf(principal);
  return communes === 'all' || communes.includes(communeSlug);
}

export function checkRoleCommunes(role: Role, communes: string[]): string | undefined {
  if (role === 'metropole-admin' && communes.length) return 'metropole-admin covers every commune: give no --commune';
  if (role !== 'metropole-admin' && communes.length === 0) return `${role} needs at least one --commune`;
  return undefined;
}
