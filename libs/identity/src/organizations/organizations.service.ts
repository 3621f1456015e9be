import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService, type AuditEventInput } from '#yizhi/audit';
import type { DataSource, EntityManager } from 'typeorm';
import { OrganizationView } from '../dto/views.js';
import { NotFoundException, Role, type Principal } from '#yizhi/core';
import type { VerifyOrganizationDto } from '../dto/verify-organization.dto.js';
import { IdentityException } from '../identity.exception.js';
import { Organization, OrganizationStatus } from './organization.entity.js';
import { OrganizationsRepository } from './organizations.repository.js';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Admins read any organisation, members their own; anyone else gets 404, as if it did not exist. */
  async getVisible(id: string, caller: Principal): Promise<Organization> {
    const organization = caller.role === Role.Admin || caller.organizationId === id ? await this.organizations.findById(id) : null;
    if (!organization) throw new NotFoundException('organization', id);
    return organization;
  }

  /**
   * The organisation with this credit code, created as pending (and audited) when the platform
   * does not know it yet: a base served it, or a deal names it, before it registered. In the
   * caller's transaction.
   */
  async ensureByCreditCode(
    manager: EntityManager,
    caller: Principal,
    values: Pick<Organization, 'name' | 'kind' | 'creditCode' | 'region'>,
  ): Promise<Organization> {
    const { organization, created } = await this.organizations.insertOrFind(manager, values);
    if (created) await this.audit.record(manager, createdEvent(caller, organization));
    return organization;
  }

  /**
   * ensureByCreditCode for many organisations at once (the deals import's batches): each credit
   * code's organisation; the audit events of the new ones go to `deferred`, for the caller to record.
   */
  async ensureManyByCreditCode(
    manager: EntityManager,
    caller: Principal,
    values: readonly Pick<Organization, 'name' | 'kind' | 'creditCode' | 'region'>[],
    deferred: AuditEventInput[],
  ): Promise<Map<string, Organization>> {
    const { organizations, created } = await this.organizations.insertOrFindMany(manager, values);
    for (const code of created) deferred.push(createdEvent(caller, organizations.get(code)!));
    return organizations;
  }

  /** Puts an organisation in a group of related parties (or takes it out, with null); audited. */
  async setRelatedPartyGroup(id: string, group: string | null, caller: Principal): Promise<Organization> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.organizations.findById(id, manager);
      if (!before) throw new NotFoundException('organization', id);
      if (before.relatedPartyGroup === group) return before;
      await manager.getRepository(Organization).update({ id }, { relatedPartyGroup: group });
      const after = (await this.organizations.findById(id, manager))!;
      await this.audit.record(manager, {
        actor: caller,
        action: 'organization.relate',
        entity: 'organization',
        entityId: id,
        before: OrganizationView.of(before),
        after: OrganizationView.of(after),
      });
      return after;
    });
  }

  async decide(id: string, dto: VerifyOrganizationDto, caller: Principal): Promise<Organization> {
    const current = await this.getVisible(id, caller);
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.organizations.decide(manager, id, dto.decision, dto.reason ?? null))) {
        throw IdentityException.alreadyDecided(current.status);
      }
      const decided = (await this.organizations.findById(id, manager))!;
      const action = dto.decision === OrganizationStatus.Verified ? 'organization.verify' : 'organization.reject';
      await this.audit.record(manager, {
        actor: caller,
        action,
        entity: 'organization',
        entityId: id,
        before: OrganizationView.of(current),
        after: OrganizationView.of(decided),
      });
      return decided;
    });
  }
}

/** The audit event of an organisation added by credit code (pending until an admin decides). */
function createdEvent(caller: Principal, organization: Organization): AuditEventInput {
  return {
    actor: caller,
    action: 'organization.create',
    entity: 'organization',
    entityId: organization.id,
    before: null,
    after: OrganizationView.of(organization),
  };
}
