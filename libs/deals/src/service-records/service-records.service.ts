import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '#yizhi/audit';
import { Base } from '#yizhi/bases';
import {
  callerScope,
  ForbiddenException,
  IdempotencyService,
  newestFirstPage,
  platformDate,
  Role,
  ValidationFailedException,
  type IdempotencyClaim,
  type IdempotentResult,
  type Page,
  type Principal,
} from '#yizhi/core';
import { Organization, OrganizationKind, OrganizationsService } from '#yizhi/identity';
import { DealException } from '../deal.exception.js';
import { cellsOf, LedgerEvents } from '../ledger-events.js';
import { PeriodsService } from '../periods/periods.service.js';
import { ServiceRecord } from './service-record.entity.js';
import { ServiceRecordView, type CreateServiceRecordDto, type ServiceRecordListQueryDto } from './service-record.dto.js';

/**
 * Service records (服务记录): what a base did for an enterprise. Written by the base's operators
 * (or admins), idempotent under an Idempotency-Key, audited, and refused in a closed month.
 */
@Injectable()
export class ServiceRecordsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly periods: PeriodsService,
    private readonly organizations: OrganizationsService,
    private readonly ledger: LedgerEvents,
  ) {}

  async create(
    caller: Principal,
    dto: CreateServiceRecordDto,
    claim: IdempotencyClaim | null,
  ): Promise<IdempotentResult<ServiceRecordView>> {
    if (caller.role === Role.Operator && caller.baseId !== dto.baseId) {
      throw new ForbiddenException('Operators record the services of their own base only');
    }
    if (dto.enterpriseOrgId !== undefined && dto.enterpriseCreditCode !== undefined) {
      throw ValidationFailedException.field(
        'enterpriseCreditCode',
        'send either enterpriseOrgId, or enterpriseCreditCode and enterpriseName',
      );
    }
    if (dto.servedAt > platformDate()) throw ValidationFailedException.field('servedAt', 'cannot be in the future');
    return this.idempotency.transaction(claim, 201, async (manager) => {
      const base = await manager.findOneBy(Base, { id: dto.baseId, active: true });
      if (!base) throw DealException.reference('baseId', 'must be an active base');
      await this.periods.assertOpen(manager, dto.servedAt, 'servedAt');
      const enterprise = await this.enterprise(manager, caller, dto, base);
      const record = await manager.save(
        ServiceRecord,
        manager.create(ServiceRecord, {
          baseId: base.id,
          enterpriseOrganizationId: enterprise.id,
          kind: dto.kind,
          servedAt: dto.servedAt,
          note: dto.note ?? null,
          createdById: caller.userId,
        }),
      );
      await this.ledger.changed(manager, {
        entity: 'service_record',
        id: record.id,
        action: 'create',
        cells: cellsOf(record.baseId, [record.servedAt]),
        dealIds: [],
      });
      const view = ServiceRecordView.of(record, enterprise);
      await this.audit.record(manager, {
        actor: caller,
        action: 'service_record.create',
        entity: 'service_record',
        entityId: record.id,
        before: null,
        after: view,
      });
      return view;
    });
  }

  /** Newest first: a base's for its operators, all for admins. */
  async list(caller: Principal, query: ServiceRecordListQueryDto): Promise<Page<ServiceRecordView>> {
    const scope = callerScope(caller);
    if (query.baseId !== undefined && scope.kind !== 'all' && !(scope.kind === 'base' && scope.baseId === query.baseId)) {
      throw new ForbiddenException('Only admins filter by baseId, and operators by their own base');
    }
    if (scope.kind !== 'all' && scope.kind !== 'base') return { items: [], nextCursor: null };
    const q = this.dataSource.getRepository(ServiceRecord).createQueryBuilder('r').innerJoinAndSelect('r.enterpriseOrganization', 'o');
    if (scope.kind === 'base') q.andWhere('r.baseId = :scopeBase', { scopeBase: scope.baseId });
    if (query.baseId) q.andWhere('r.baseId = :baseId', { baseId: query.baseId });
    if (query.enterpriseOrgId) q.andWhere('r.enterpriseOrganizationId = :org', { org: query.enterpriseOrgId });
    if (query.kind) q.andWhere('r.kind = :kind', { kind: query.kind });
    if (query.from) q.andWhere('r.servedAt >= :from', { from: query.from });
    if (query.to) q.andWhere('r.servedAt <= :to', { to: query.to });
    return newestFirstPage(q, 'r', query, (r) => ServiceRecordView.of(r, r.enterpriseOrganization!));
  }

  /** The enterprise served: by id, or by credit code (added as pending, in the base's city, when the platform does not know it). */
  private async enterprise(manager: EntityManager, caller: Principal, dto: CreateServiceRecordDto, base: Base): Promise<Organization> {
    if (dto.enterpriseOrgId !== undefined) {
      const organization = await manager.findOneBy(Organization, { id: dto.enterpriseOrgId });
      if (!organization || organization.kind !== OrganizationKind.Enterprise) {
        throw DealException.reference('enterpriseOrgId', 'must be an enterprise on the platform');
      }
      return organization;
    }
    const organization = await this.organizations.ensureByCreditCode(manager, caller, {
      name: dto.enterpriseName!,
      kind: OrganizationKind.Enterprise,
      creditCode: dto.enterpriseCreditCode!,
      region: base.city,
    });
    if (organization.kind !== OrganizationKind.Enterprise) {
      throw DealException.reference('enterpriseCreditCode', 'belongs to an institute on the platform, not an enterprise');
    }
    return organization;
  }
}
