import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Organization, OrganizationStatus } from './organization.entity.js';

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectRepository(Organization) private readonly organizations: Repository<Organization>) {}

  findById(id: string, manager?: EntityManager): Promise<Organization | null> {
    return (manager?.getRepository(Organization) ?? this.organizations).findOneBy({ id });
  }

  /** Inserts a pending organisation unless its credit code is taken; the organisation with that code, and whether it is new. */
  async insertOrFind(
    manager: EntityManager,
    values: Pick<Organization, 'name' | 'kind' | 'creditCode' | 'region'>,
  ): Promise<{ organization: Organization; created: boolean }> {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(Organization)
      .values({ ...values, status: OrganizationStatus.Pending })
      .orIgnore()
      .returning('id')
      .execute();
    const created = (inserted.raw as unknown[]).length > 0;
    const organization = await manager.getRepository(Organization).findOneByOrFail({ creditCode: values.creditCode });
    return { organization, created };
  }

  /** Moves a pending organisation to its decision; false when it was no longer pending. */
  async decide(
    manager: EntityManager,
    id: string,
    status: OrganizationStatus.Verified | OrganizationStatus.Rejected,
    reason: string | null,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Organization)
      .set({ status, statusReason: reason, verifiedAt: status === OrganizationStatus.Verified ? () => 'now()' : null })
      .where('id = :id AND status = :pending', { id, pending: OrganizationStatus.Pending })
      .execute();
    return result.affected === 1;
  }
}
