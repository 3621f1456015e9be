import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Listing, Need } from '#yizhi/catalog';
import { Money, newestFirstPage, Role, type CallerScope, type Page } from '#yizhi/core';
import { User } from '#yizhi/identity';
import { Lead } from '#yizhi/leads';
import { DealStatus, DealVerification, type DealCategory } from './deal-status.js';
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

/** Deals read per query by the export. */
const EXPORT_BATCH_ROWS = 1_000;

/** What the import writes of a new deal; the rest starts as a draft's defaults. */
export type NewDeal = Pick<
  Deal,
  | 'baseId'
  | 'sellerOrganizationId'
  | 'buyerOrganizationId'
  | 'title'
  | 'category'
  | 'fieldCode'
  | 'brokerId'
  | 'contractAmount'
  | 'techTransactionAmount'
  | 'signedAt'
  | 'registrationNo'
  | 'createdById'
>;

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

  /**
   * New draft deals in one statement (the import's batches): ids are made here, so that each row's
   * deal is known without relying on the order of RETURNING. The deals as written.
   */
  async insertMany(manager: EntityManager, values: readonly NewDeal[]): Promise<Deal[]> {
    if (!values.length) return [];
    const rows = values.map((v) => ({ ...v, id: randomUUID() }));
    const column = <T>(pick: (v: (typeof rows)[number]) => T) => rows.map(pick);
    const written: { id: string; created_at: Date; updated_at: Date }[] = await manager.query(
      `INSERT INTO deal (id, base_id, seller_organization_id, buyer_organization_id, title, category, field, broker_id,
                         contract_amount, tech_transaction_amount, signed_at, registration_no, created_by_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::deal_category[], $7::text[], $8::uuid[],
                            $9::bigint[], $10::bigint[], $11::date[], $12::text[], $13::uuid[])
       RETURNING id, created_at, updated_at`,
      [
        column((v) => v.id),
        column((v) => v.baseId),
        column((v) => v.sellerOrganizationId),
        column((v) => v.buyerOrganizationId),
        column((v) => v.title),
        column((v) => v.category),
        column((v) => v.fieldCode),
        column((v) => v.brokerId),
        column((v) => v.contractAmount.fen.toString()),
        column((v) => v.techTransactionAmount.fen.toString()),
        column((v) => v.signedAt),
        column((v) => v.registrationNo),
        column((v) => v.createdById),
      ],
    );
    const stamps = new Map(written.map((w) => [w.id, w]));
    return rows.map((v) =>
      Object.assign(new Deal(), v, {
        listingId: null,
        needId: null,
        leadId: null,
        serviceFee: null,
        receivedAmount: Money.ZERO,
        status: DealStatus.Draft,
        verification: DealVerification.Unverified,
        verificationReason: null,
        verifiedAt: null,
        version: 1,
        createdAt: stamps.get(v.id)!.created_at,
        updatedAt: stamps.get(v.id)!.updated_at,
      }),
    );
  }

  /** Which of these registration numbers a deal that counts (not cancelled) already holds. */
  async takenRegistrations(manager: EntityManager, numbers: readonly string[]): Promise<Set<string>> {
    if (!numbers.length) return new Set();
    const rows: { registration_no: string }[] = await manager.query(
      `SELECT registration_no FROM deal WHERE registration_no = ANY($1::text[]) AND status <> 'cancelled'`,
      [numbers],
    );
    return new Set(rows.map((r) => r.registration_no));
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
  /**
   * The deals a filter selects, in signing order, EXPORT_BATCH_ROWS at a time: each batch is one
   * keyset query (signed_at, created_at, id) after the last, so that the export streams without
   * holding a connection or a snapshot between batches (a deal added meanwhile may or may not be in it).
   */
  async *exportBatches(filter: Omit<DealListFilter, 'limit' | 'cursor'>): AsyncGenerator<ExportRow[]> {
    if (filter.scope.kind === 'none') return;
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
    const n = params.length;
    const sql = `SELECT d.id, d.title, d.category, d.contract_amount::text AS "contractFen", d.tech_transaction_amount::text AS "techFen",
              d.received_amount::text AS "receivedFen", to_char(d.signed_at, 'YYYY-MM-DD') AS "signedAt",
              s.name AS seller, s.credit_code AS "sellerCreditCode", b.name AS buyer, b.credit_code AS "buyerCreditCode",
              d.registration_no AS "registrationNo", d.field, f.name AS "fieldName", base.name AS "baseName", d.status, d.verification,
              to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "createdAt"
         FROM deal d
         JOIN organization s ON s.id = d.seller_organization_id
         JOIN organization b ON b.id = d.buyer_organization_id
         JOIN field f ON f.code = d.field
         JOIN base ON base.id = d.base_id
        WHERE ${where.length ? where.join(' AND ') : 'true'}
          AND ($${n + 1}::date IS NULL OR (d.signed_at, d.created_at, d.id) > ($${n + 1}::date, ($${n + 2}::timestamp AT TIME ZONE 'UTC'), $${n + 3}::uuid))
        ORDER BY d.signed_at, d.created_at, d.id
        LIMIT ${EXPORT_BATCH_ROWS}`;
    let after: [string | null, string | null, string | null] = [null, null, null];
    for (;;) {
      const rows = (await this.deals.query(sql, [...params, ...after])) as ExportRow[];
      if (rows.length) yield rows;
      if (rows.length < EXPORT_BATCH_ROWS) return;
      const last = rows[rows.length - 1];
      after = [last.signedAt, last.createdAt, last.id];
    }
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
