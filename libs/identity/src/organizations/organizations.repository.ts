import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Organization, OrganizationStatus } from './organization.entity.js';

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectRepository(Organization) private readonly organizations: Repository<Organization>) {}

  findById(id: string): Promise<Organization | null> {
    return this.organizations.findOneBy({ id });
  }

  /** Moves a pending organisation to its decision; false when it was no longer pending. */
  async decide(id: string, status: OrganizationStatus.Verified | OrganizationStatus.Rejected, reason: string | null): Promise<boolean> {
    const result = await this.organizations
      .createQueryBuilder()
      .update()
      .set({ status, statusReason: reason, verifiedAt: status === OrganizationStatus.Verified ? () => 'now()' : null })
      .where('id = :id AND status = :pending', { id, pending: OrganizationStatus.Pending })
      .execute();
    return result.affected === 1;
  }
}
