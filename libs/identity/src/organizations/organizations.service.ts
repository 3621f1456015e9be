import { Injectable } from '@nestjs/common';
import { NotFoundException, Role, type Principal } from '#yizhi/core';
import type { VerifyOrganizationDto } from '../dto/verify-organization.dto.js';
import { IdentityException } from '../identity.exception.js';
import type { Organization } from './organization.entity.js';
import { OrganizationsRepository } from './organizations.repository.js';

@Injectable()
export class OrganizationsService {
  constructor(private readonly organizations: OrganizationsRepository) {}

  /** Admins read any organisation, members their own; anyone else gets 404, as if it did not exist. */
  async getVisible(id: string, caller: Principal): Promise<Organization> {
    const organization = caller.role === Role.Admin || caller.organizationId === id ? await this.organizations.findById(id) : null;
    if (!organization) throw new NotFoundException('organization', id);
    return organization;
  }

  async decide(id: string, dto: VerifyOrganizationDto, caller: Principal): Promise<Organization> {
    const current = await this.getVisible(id, caller);
    if (!(await this.organizations.decide(id, dto.decision, dto.reason ?? null))) {
      throw IdentityException.alreadyDecided(current.status);
    }
    return (await this.organizations.findById(id))!;
  }
}
