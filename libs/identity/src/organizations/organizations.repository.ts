import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
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

  /**
   * insertOrFind for many credit codes in two statements (sorted by code, so that two writers
   * wait on each other in one order): each code's organisation, and the codes that are new.
   */
  async insertOrFindMany(
    manager: EntityManager,
    values: readonly Pick<Organization, 'name' | 'kind' | 'creditCode' | 'region'>[],
  ): Promise<{ organizations: Map<string, Organization>; created: Set<string> }> {
    const sorted = [...values].sort((a, b) => (a.creditCode < b.creditCode ? -1 : a.creditCode > b.creditCode ? 1 : 0));
    const inserted: { credit_code: string }[] = sorted.length
      ? await manager.query(
          `INSERT INTO organization (name, kind, credit_code, region, status)
           SELECT i.name, i.kind, i.credit_code, i.region, $5::organization_status
             FROM unnest($1::text[], $2::organization_kind[], $3::text[], $4::text[]) AS i(name, kind, credit_code, region)
           ON CONFLICT (credit_code) DO NOTHING
           RETURNING credit_code`,
          [
            sorted.map((v) => v.name),
            sorted.map((v) => v.kind),
            sorted.map((v) => v.creditCode),
            sorted.map((v) => v.region),
            OrganizationStatus.Pending,
          ],
        )
      : [];
    const found = await manager.getRepository(Organization).findBy({ creditCode: In(sorted.map((v) => v.creditCode)) });
    return {
      organizations: new Map(found.map((o) => [o.creditCode, o])),
      created: new Set(inserted.map((r) => r.credit_code.trimEnd())),
    };
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
