import { describe, expect, it } from '@jest/globals';
import { callerScope, Role, type Principal } from '#yizhi/core';
import { LeadRelation, leadRelation } from './lead-access.js';

const lead = { baseId: 'base-a', enterpriseOrganizationId: 'org-enterprise', ownerOrganizationId: 'org-institute' };
const principal = (role: Role, organizationId: string | null, baseId: string | null): Principal => ({
  userId: 'u',
  role,
  organizationId,
  baseId,
});

describe('leadRelation', () => {
  it.each<[string, Principal, LeadRelation]>([
    ['the enterprise party', principal(Role.Enterprise, 'org-enterprise', null), LeadRelation.Party],
    ["the listing's owner", principal(Role.Institute, 'org-institute', null), LeadRelation.Party],
    ['an operator of the base', principal(Role.Operator, null, 'base-a'), LeadRelation.Staff],
    ['an admin', principal(Role.Admin, null, null), LeadRelation.Staff],
    ['an operator of another base', principal(Role.Operator, null, 'base-b'), LeadRelation.None],
    ['another enterprise', principal(Role.Enterprise, 'org-other', null), LeadRelation.None],
    ['another institute', principal(Role.Institute, 'org-other', null), LeadRelation.None],
  ])('%s', (_, caller, relation) => {
    expect(leadRelation(lead, caller)).toBe(relation);
  });

  it('lists what the relation allows', () => {
    expect(callerScope(principal(Role.Admin, null, null))).toEqual({ kind: 'all' });
    expect(callerScope(principal(Role.Operator, null, 'base-a'))).toEqual({ kind: 'base', baseId: 'base-a' });
    expect(callerScope(principal(Role.Institute, 'org-institute', null))).toEqual({
      kind: 'organization',
      organizationId: 'org-institute',
    });
  });
});
