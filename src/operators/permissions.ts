// Who may do what (pure): the Métropole administers everything; a referent or a syndicate operator
// manages the clients of their communes only. A counter agent manages nothing: the role only lets them
// issue counter codes at the town halls of its communes, so it never counts as managing a commune.
// Roles are handed down, never up: an operator grants (and revokes) a role no higher than one it holds over
// each commune of the change (roleChangeRefusal).
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

/**
 * How far each role reaches, for handing roles down: the Métropole above the syndicate, the syndicate above
 * a commune's referent, the referent above the counter agent. A counter agent hands nothing down.
 */
const RANK: Record<Role, number> = { 'metropole-admin': 3, 'syndicate-operator': 2, 'commune-referent': 1, 'counter-agent': 0 };

/** Why a role change is refused to an operator: the role, or one of the communes, is out of its reach. */
export interface RoleChangeRefusal {
  field: 'role' | 'communes';
  message: string;
}

/**
 * Whether `by` may grant (or revoke) `role` over `communes`: the command line and the Métropole may change any
 * role; anyone else only a role no higher than one they hold, as a managing role, over every commune named.
 * So a syndicate operator hands down syndicate-operator, commune-referent and counter-agent over its communes,
 * a referent commune-referent and counter-agent over its communes, a counter agent nothing; the Métropole's
 * own role (no commune) is the Métropole's to give. Answers undefined when allowed.
 */
export function roleChangeRefusal(by: Principal | 'cli', role: Role, communes: readonly string[]): RoleChangeRefusal | undefined {
  if (by === 'cli' || isMetropoleAdmin(by)) return undefined;
  const granting = by.roles.filter((r) => MANAGING_ROLES.has(r.role));
  if (granting.length === 0) return { field: 'role', message: 'your role grants no operator role' };
  const highest = Math.max(...granting.map((r) => RANK[r.role]));
  if (RANK[role] > highest) return { field: 'role', message: `you may not grant or revoke ${role}: it is above your own role` };
  // Without communes the change would reach every commune of the role (a revoke), or it is the Métropole's role.
  if (communes.length === 0) return { field: 'communes', message: 'name the communes of the change: only those you manage' };
  const outside = communes.filter((slug) => !granting.some((r) => r.communes.includes(slug) && RANK[r.role] >= RANK[role]));
  if (outside.length)
    return { field: 'communes', message: `you may not change ${role} over ${outside.join(', ')}: not within your role's communes` };
  return undefined;
}

/** Roles `by` may hand down over at least one commune (the console offers no other). */
export function grantableRoles(by: Principal): Role[] {
  if (isMetropoleAdmin(by)) return Object.keys(RANK) as Role[];
  const highest = Math.max(-1, ...by.roles.filter((r) => MANAGING_ROLES.has(r.role)).map((r) => RANK[r.role]));
  return (Object.keys(RANK) as Role[]).filter((role) => role !== 'metropole-admin' && RANK[role] <= highest);
}

/**
 * An operator as `reader` may see it: everything for the command line and the Métropole; otherwise only its
 * roles over the reader's communes, cut to those communes (undefined when nothing of it is left), so that a
 * referent sees who else works on its commune and nothing of the others.
 */
export function operatorWithin(record: OperatorRecord, reader: Principal | 'cli'): OperatorRecord | undefined {
  const communes = reader === 'cli' ? 'all' : communesOf(reader);
  if (communes === 'all') return record;
  const roles = record.roles
    .map((r) => ({ role: r.role, communes: r.communes.filter((slug) => communes.includes(slug)) }))
    .filter((r) => r.communes.length > 0);
  return roles.length ? { ...record, roles } : undefined;
}

/**
 * Whether the principal works at the help desk (finds a citizen's account by exact address, resends its
 * verification mail, locks or unlocks it): the Métropole, and the counter agents of any commune, who meet
 * citizens at the town hall. A referent or a syndicate operator runs sites, not citizens' accounts.
 */
export function canHelpCitizens(principal: Principal): boolean {
  return isMetropoleAdmin(principal) || principal.roles.some((r) => r.role === 'counter-agent');
}
