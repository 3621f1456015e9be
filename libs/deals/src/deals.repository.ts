import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Listing, Need } from '#yizhi/catalog';
import { newestFirstPage, Role, type CallerScope, type Page } from '#yizhi/core';
import { User } from '#yizhi/identity';
import { Lead } from '#yizhi/leads';
import type { DealCategory, DealStatus, DealVerification } from './deal-status.js';
import { Deal, DealAdjustment, DealPayment } from './deal.entity.js';
import type { ExportRow } from './import/deal-export.js';

export interface DealListFilter {
  scope: CallerScope;
  baseId?: string;
  status?: DealStatus;
  verification?: DealVerification;
  category?: DealCategory;
  field?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** Every query on deals and their payments. Writes, and the reads they depend on, run on the caller's transaction. */
@Injectable()
export class DealsRepository {
  constructor(
    @InjectRepository(Deal) private readonly deals: Repository<Deal>,
    @InjectRepository(DealPayment) private readonly payments: Repository<DealPayment>,
    @InjectRepository(DealAdjustment) private readonly adjustments: Repository<DealAdjustment>,
  ) {}

  findById(id: string, manager?: EntityManager): Promise<Deal | null> {
    return (manager?.getRepository(Deal) ?? this.deals).findOneBy({ id });
  }

  lockById(manager: EntityManager, id: string): Promise<Deal | null> {
    return manager.findOne(Deal, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  paymentsOf(dealId: string, manager?: EntityManager): Promise<DealPayment[]> {
    return (manager?.getRepository(DealPayment) ?? this.payments).find({
      where: { dealId },
      order: { receivedAt: 'ASC', createdAt: 'ASC' },
    });
  }

  adjustmentsOf(dealId: string, manager?: EntityManager): Promise<DealAdjustment[]> {
    return (manager?.getRepository(DealAdjustment) ?? this.adjustments).find({ where: { dealId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  insertAdjustment(
    manager: EntityManager,
    values: Pick<DealAdjustment, 'dealId' | 'field' | 'decrease' | 'amount' | 'reason' | 'effectiveOn' | 'createdById'>,
  ): Promise<DealAdjustment> {
    return manager.save(DealAdjustment, manager.create(DealAdjustment, values));
  }

  /** One INSERT (not save(), which works out relations and subjects first); the deal with its generated columns. */
  async insert(manager: EntityManager, values: Partial<Deal>): Promise<Deal> {
    // A copy goes to TypeORM, which writes what the INSERT returns into the object it is given, raw (received_amount as "0").
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Deal)
      .values({ ...values } as QueryDeepPartialEntity<Deal>)
      .execute();
    const generated = result.generatedMaps[0] as Pick<Deal, 'id' | 'createdAt' | 'updatedAt'>;
    return Object.assign(new Deal(), values, { id: generated.id, createdAt: generated.createdAt, updatedAt: generated.updatedAt });
  }

  insertPayment(
    manager: EntityManager,
    values: Pick<DealPayment, 'dealId' | 'amount' | 'receivedAt' | 'createdById'>,
  ): Promise<DealPayment> {
    return manager.save(DealPayment, manager.create(DealPayment, values));
  }

  /**
   * Writes `changes` and one more version only if the deal is still at `version`, in one explicit
   * `UPDATE … WHERE id = $1 AND version = $2` (TypeORM's save() does not check a version): the
   * deal as written, or null when another change got there first.
   */
  async updateAtVersion(manager: EntityManager, id: string, version: number, changes: Partial<Deal>): Promise<Deal | null> {
    const result = await manager
      .createQueryBuilder()
      .update(Deal)
      .set({ ...changes, version: () => 'version + 1' } as QueryDeepPartialEntity<Deal>)
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (result.affected !== 1) return null;
    return manager.findOneByOrFail(Deal, { id });
  }

  currentVersion(manager: EntityManager, id: string): Promise<number | null> {
    return manager.findOne(Deal, { select: { version: true }, where: { id } }).then((deal) => deal?.version ?? null);
  }

  // ---------------------------------------------------------------- what a deal refers to

  async activeBaseExists(manager: EntityManager, id: string): Promise<boolean> {
    return ((await manager.query('SELECT 1 FROM base WHERE id = $1 AND active', [id])) as unknown[]).length > 0;
  }

  /** Which of these organisations exist, in one statement. */
  async existingOrganizations(manager: EntityManager, ids: readonly string[]): Promise<Set<string>> {
    const rows = (await manager.query('SELECT id FROM organization WHERE id = ANY($1::uuid[])', [ids])) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  listingOf(manager: EntityManager, id: string): Promise<Pick<Listing, 'id' | 'ownerOrganizationId'> | null> {
    return manager.findOne(Listing, { select: { id: true, ownerOrganizationId: true }, where: { id } });
  }

  needOf(manager: EntityManager, id: string): Promise<Pick<Need, 'id' | 'ownerOrganizationId'> | null> {
    return manager.findOne(Need, { select: { id: true, ownerOrganizationId: true }, where: { id } });
  }

  isOperatorOf(manager: EntityManager, userId: string, baseId: string): Promise<boolean> {
    return manager.exists(User, { where: { id: userId, role: Role.Operator, baseId } });
  }

  lockLead(manager: EntityManager, id: string): Promise<Lead | null> {
    return manager.findOne(Lead, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  saveLead(manager: EntityManager, lead: Lead): Promise<Lead> {
    return manager.save(Lead, lead);
  }

  // ---------------------------------------------------------------- lists

  /** The deals of a list filter (no paging), oldest signed first, with the parties' and base's names, for a spreadsheet. */
  async exportRows(filter: Omit<DealListFilter, 'limit' | 'cursor'>, max: number): Promise<ExportRow[]> {
    if (filter.scope.kind === 'none') return [];
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, value: unknown) => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    const scope = filter.scope;
    if (scope.kind === 'base') add('d.base_id = ?', scope.baseId);
    if (scope.kind === 'organization') add('? IN (d.seller_organization_id, d.buyer_organization_id)', scope.organizationId);
    if (filter.baseId) add('d.base_id = ?', filter.baseId);
    if (filter.status) add('d.status = ?', filter.status);
    if (filter.verification) add('d.verification = ?', filter.verification);
    if (filter.category) add('d.category = ?', filter.category);
    if (filter.field) add('d.field = ?', filter.field);
    if (filter.from) add('d.signed_at >= ?::date', filter.from);
    if (filter.to) add('d.signed_at <= ?::date', filter.to);
    params.push(max);
    return (await this.deals.query(
      `SELECT d.id, d.title, d.category, d.contract_amount::text AS "contractFen", d.tech_transaction_amount::text AS "techFen",
              d.received_amount::text AS "receivedFen", to_char(d.signed_at, 'YYYY-MM-DD') AS "signedAt",
              s.name AS seller, s.credit_code AS "sellerCreditCode", b.name AS buyer, b.credit_code AS "buyerCreditCode",
              d.registration_no AS "registrationNo", f.name AS "fieldName", base.name AS "baseName", d.status, d.verification
         FROM deal d
         JOIN organization s ON s.id = d.seller_organization_id
         JOIN organization b ON b.id = d.buyer_organization_id
         JOIN field f ON f.code = d.field
         JOIN base ON base.id = d.base_id
        WHERE ${where.length ? where.join(' AND ') : 'true'}
        ORDER BY d.signed_at, d.created_at, d.id
        LIMIT $${params.length}`,
      params,
    )) as ExportRow[];
  }

  async page(filter: DealListFilter): Promise<Page<Deal>> {
    if (filter.scope.kind === 'none') return { items: [], nextCursor: null };
    const query = this.deals.createQueryBuilder('d');
    const scope = filter.scope;
    if (scope.kind === 'base') query.andWhere('d.baseId = :scopeBase', { scopeBase: scope.baseId });
    if (scope.kind === 'organization') {
      query.andWhere('(d.sellerOrganizationId = :scopeOrg OR d.buyerOrganizationId = :scopeOrg)', { scopeOrg: scope.organizationId });
    }
    if (filter.baseId) query.andWhere('d.baseId = :baseId', { baseId: filter.baseId });
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.verification) query.andWhere('d.verification = :verification', { verification: filter.verification });
    if (filter.category) query.andWhere('d.category = :category', { category: filter.category });
    if (filter.field) query.andWhere('d.fieldCode = :field', { field: filter.field });
    if (filter.from) query.andWhere('d.signedAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('d.signedAt <= :to', { to: filter.to });
    return newestFirstPage(query, 'd', filter, (deal) => deal);
  }
}
