// Which communes read a role change in their audit (pure): every commune the operator gains or loses.
import type { OperatorRecord, Role } from './operator-repository.js';

export function roleChangeCommunes(
  role: Role,
  communes: string[],
  before: OperatorRecord | undefined,
  after: OperatorRecord | undefined,
): string[] {
  const held = [...(before?.roles ?? []), ...(after?.roles ?? [])].filter((r) => r.role === role).flatMap((r) => r.communes);
  return [...new Set([...communes, ...held])];
}
