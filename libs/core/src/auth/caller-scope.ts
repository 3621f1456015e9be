import { Role } from './role.js';
import type { Principal } from './access.decorators.js';

/**
 * Which records of a base-brokered kind (leads, deals) a caller's list holds: all for an admin,
 * its base's for an operator, those its organisation is a party to for anyone else.
 */
export type CallerScope =
  { kind: 'all' } | { kind: 'base'; baseId: string } | { kind: 'organization'; organizationId: string } | { kind: 'none' };

export function callerScope(caller: Principal): CallerScope {
  if (caller.role === Role.Admin) return { kind: 'all' };
  if (caller.role === Role.Operator) return caller.baseId ? { kind: 'base', baseId: caller.baseId } : { kind: 'none' };
  return caller.organizationId ? { kind: 'organization', organizationId: caller.organizationId } : { kind: 'none' };
}
