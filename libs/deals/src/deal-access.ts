import { Role, type Principal } from '#yizhi/core';
import type { Deal } from './deal.entity.js';

/** How a caller stands to a deal: the one place the access rules of deals are written. */
export enum DealRelation {
  /** Sees nothing of it: 404. */
  None = 'none',
  /** The seller or the buyer organisation: reads it, changes nothing (403). */
  Party = 'party',
  /** An operator of the deal's base, or an admin: reads and keeps it. */
  Staff = 'staff',
}

export function dealRelation(deal: Pick<Deal, 'baseId' | 'sellerOrganizationId' | 'buyerOrganizationId'>, caller: Principal): DealRelation {
  if (caller.role === Role.Admin) return DealRelation.Staff;
  if (caller.role === Role.Operator)
    return caller.baseId !== null && caller.baseId === deal.baseId ? DealRelation.Staff : DealRelation.None;
  const organization = caller.organizationId;
  if (organization !== null && (organization === deal.sellerOrganizationId || organization === deal.buyerOrganizationId)) {
    return DealRelation.Party;
  }
  return DealRelation.None;
}
