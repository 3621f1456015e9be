import { Role, type Principal } from '#yizhi/core';
import type { Lead } from './lead.entity.js';

/** How a caller stands to a lead: the one place the access rules of leads are written. */
export enum LeadRelation {
  /** Sees nothing of it: 404. */
  None = 'none',
  /** The enterprise that expressed the interest or the listing's owner: reads it, changes nothing (403). */
  Party = 'party',
  /** An operator of the lead's base, or an admin: reads and manages it. */
  Staff = 'staff',
}

export function leadRelation(
  lead: Pick<Lead, 'baseId' | 'enterpriseOrganizationId' | 'ownerOrganizationId'>,
  caller: Principal,
): LeadRelation {
  if (caller.role === Role.Admin) return LeadRelation.Staff;
  if (caller.role === Role.Operator)
    return caller.baseId !== null && caller.baseId === lead.baseId ? LeadRelation.Staff : LeadRelation.None;
  const organization = caller.organizationId;
  if (organization !== null && (organization === lead.enterpriseOrganizationId || organization === lead.ownerOrganizationId)) {
    return LeadRelation.Party;
  }
  return LeadRelation.None;
}
