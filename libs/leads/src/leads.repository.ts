import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Base } from '#yizhi/bases';
import { Listing, Need } from '#yizhi/catalog';
import { newestFirstPage, Role, type CallerScope, type Page } from '#yizhi/core';
import { Organization, User } from '#yizhi/identity';
import { LeadNote } from './lead-note.entity.js';
import { openLeadSql, type LeadStatus } from './lead-status.js';
import { Lead } from './lead.entity.js';
import type { RoutableBase } from './routing/lead-routing.js';

export interface LeadListFilter {
  scope: CallerScope;
  status?: LeadStatus;
  baseId?: string;
  /** true: open leads last touched at or before `overdueCutoff`; false: every other lead. */
  overdue?: boolean;
  overdueCutoff: Date;
  limit: number;
  cursor?: string;
}

/** Every query on leads and their notes. Writes, and the reads they depend on, run on the caller's transaction. */
@Injectable()
export class LeadsRepository {
  constructor(
    @InjectRepository(Lead) private readonly leads: Repository<Lead>,
    @InjectRepository(LeadNote) private readonly notes: Repository<LeadNote>,
  ) {}

  findById(id: string): Promise<Lead | null> {
    return this.leads.findOneBy({ id });
  }

  notesOf(leadId: string, manager?: EntityManager): Promise<LeadNote[]> {
    return (manager?.getRepository(LeadNote) ?? this.notes).find({ where: { leadId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The lead, locked until the transaction ends: changes to one lead happen one at a time. */
  lockById(manager: EntityManager, id: string): Promise<Lead | null> {
    return manager.findOne(Lead, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The listing, share-locked: it cannot be withdrawn while an interest in it is being recorded. */
  shareListing(manager: EntityManager, id: string): Promise<Listing | null> {
    return manager.findOne(Listing, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  /** The need, share-locked like the listing. */
  shareNeed(manager: EntityManager, id: string): Promise<Need | null> {
    return manager.findOne(Need, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  findOpen(manager: EntityManager, listingId: string, enterpriseOrganizationId: string): Promise<Lead | null> {
    return manager
      .createQueryBuilder(Lead, 'l')
      .where('l.listingId = :listingId AND l.enterpriseOrganizationId = :enterpriseOrganizationId', { listingId, enterpriseOrganizationId })
      .andWhere(openLeadSql('l'))
      .getOne();
  }

  async regionOf(manager: EntityManager, organizationId: string): Promise<string | null> {
    const organization = await manager.findOne(Organization, { where: { id: organizationId }, select: { id: true, region: true } });
    return organization?.region ?? null;
  }

  routableBases(manager: EntityManager): Promise<RoutableBase[]> {
    return manager.find(Base, { select: { id: true, code: true, kind: true, province: true, city: true, district: true, active: true } });
  }

  /**
   * Locks the base's row against other routings to it until the transaction ends, so that two
   * leads routed at once never read the same open-lead counts. FOR NO KEY UPDATE does not block
   * the key-share locks of foreign keys, so rows referencing the base are still written freely.
   */
  async lockBaseForRouting(manager: EntityManager, baseId: string): Promise<void> {
    await manager.query('SELECT id FROM base WHERE id = $1 FOR NO KEY UPDATE', [baseId]);
  }

  /** The base's operator with the fewest open leads, the earliest created on a tie; null when the base has none. */
  async leastLoadedOperator(manager: EntityManager, baseId: string): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `SELECT u.id
         FROM "user" u
         LEFT JOIN lead l ON l.operator_id = u.id AND ${openLeadSql('l')}
        WHERE u.role = $2 AND u.base_id = $1
        GROUP BY u.id
        ORDER BY count(l.id), u.created_at, u.id
        LIMIT 1`,
      [baseId, Role.Operator],
    );
    return rows[0]?.id ?? null;
  }

  isOperatorOf(manager: EntityManager, userId: string, baseId: string): Promise<boolean> {
    return manager.exists(User, { where: { id: userId, role: Role.Operator, baseId } });
  }

  insert(manager: EntityManager, values: Partial<Lead>): Promise<Lead> {
    return manager.save(Lead, manager.create(Lead, values));
  }

  save(manager: EntityManager, lead: Lead): Promise<Lead> {
    return manager.save(Lead, lead);
  }

  addNote(manager: EntityManager, values: Pick<LeadNote, 'leadId' | 'authorId' | 'body'>): Promise<LeadNote> {
    return manager.save(LeadNote, manager.create(LeadNote, values));
  }

  /** A page of what the scope shows, newest first, keyset-paginated on (created_at, id). */
  async page(filter: LeadListFilter): Promise<Page<Lead>> {
    if (filter.scope.kind === 'none') return { items: [], nextCursor: null };
    const query = this.leads.createQueryBuilder('l');
    const scope = filter.scope;
    if (scope.kind === 'base') query.andWhere('l.baseId = :scopeBase', { scopeBase: scope.baseId });
    if (scope.kind === 'organization') {
      query.andWhere('(l.enterpriseOrganizationId = :scopeOrg OR l.ownerOrganizationId = :scopeOrg)', { scopeOrg: scope.organizationId });
    }
    if (filter.status) query.andWhere('l.status = :status', { status: filter.status });
    if (filter.baseId) query.andWhere('l.baseId = :baseId', { baseId: filter.baseId });
    if (filter.overdue !== undefined) {
      const overdue = `${openLeadSql('l')} AND l.lastActivityAt <= :cutoff`;
      query.andWhere(filter.overdue ? `(${overdue})` : `NOT (${overdue})`, { cutoff: filter.overdueCutoff });
    }
    return newestFirstPage(query, 'l', filter, (lead) => lead);
  }
}
