import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '#yizhi/audit';
import { CatalogStatus } from '#yizhi/catalog';
import {
  callerScope,
  ForbiddenException,
  isUniqueViolation,
  NotFoundException,
  platformDate,
  ValidationFailedException,
  workingDaysCutoff,
  type Page,
  type Principal,
} from '#yizhi/core';
import { DataSource, type EntityManager } from 'typeorm';
import type { ExpressInterestDto, LeadListQueryDto, UpdateLeadDto } from './dto/lead.dto.js';
import { leadSnapshot, type LeadSnapshot } from './dto/lead.view.js';
import { LeadRelation, leadRelation } from './lead-access.js';
import type { LeadNote } from './lead-note.entity.js';
import { canMoveLead, isOpenLeadStatus, LEAD_STATUS_VERBS, LeadStatus } from './lead-status.js';
import type { Lead } from './lead.entity.js';
import { LeadException } from './lead.exception.js';
import { LeadsRepository } from './leads.repository.js';
import { routeLead } from './routing/lead-routing.js';

/** A lead untouched for this many working days while open is overdue. */
export const LEAD_OVERDUE_WORKING_DAYS = 3;

/** Open leads last touched at or before this instant are overdue at `now`. */
export const leadOverdueCutoff = (now: Date = new Date()) => workingDaysCutoff(now, LEAD_OVERDUE_WORKING_DAYS);

/** A lead and, for the base's staff, its notes (null for the parties). */
export interface LeadDetail {
  lead: Lead;
  notes: LeadNote[] | null;
}

/**
 * Leads (意向对接): an enterprise's interest in a listing, routed to a base and an operator there,
 * then moved along the pipeline by the base's staff. Every change writes an audit event in its
 * transaction.
 */
@Injectable()
export class LeadsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly leads: LeadsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records the caller's organisation's interest in a published listing and routes it: to a base
   * by the enterprise's region (routeLead), then to the base's operator with the fewest open leads.
   */
  async expressInterest(caller: Principal, listingId: string, dto: ExpressInterestDto): Promise<Lead> {
    const organizationId = caller.organizationId;
    if (!organizationId) throw new ForbiddenException('Only an enterprise user expresses interest');
    try {
      return await this.dataSource.transaction(async (manager) => {
        const listing = await this.leads.shareListing(manager, listingId);
        // An enterprise never owns a listing, so what it may see of one is exactly the published ones.
        if (!listing || listing.status !== CatalogStatus.Published) throw new NotFoundException('listing', listingId);
        if (listing.validUntil !== null && listing.validUntil < platformDate()) throw LeadException.listingExpired(listing.validUntil);
        if (dto.needId) {
          const need = await this.leads.shareNeed(manager, dto.needId);
          if (!need || need.ownerOrganizationId !== organizationId || need.status !== CatalogStatus.Published) {
            throw LeadException.needNotEligible();
          }
        }
        const open = await this.leads.findOpen(manager, listingId, organizationId);
        if (open) throw LeadException.alreadyOpen(open.id);

        const base = routeLead((await this.leads.regionOf(manager, organizationId)) ?? '', await this.leads.routableBases(manager));
        if (!base) throw new Error('No online base to route leads to: has the seed run?');
        await this.leads.lockBaseForRouting(manager, base.id);
        const operatorId = await this.leads.leastLoadedOperator(manager, base.id);

        const lead = await this.leads.insert(manager, {
          listingId,
          needId: dto.needId ?? null,
          enterpriseOrganizationId: organizationId,
          ownerOrganizationId: listing.ownerOrganizationId,
          createdById: caller.userId,
          baseId: base.id,
          operatorId,
          status: LeadStatus.New,
          message: dto.message,
          closeReason: null,
          dealId: null,
          lastActivityAt: new Date(),
        });
        await this.record(manager, caller, 'create', null, leadSnapshot(lead));
        return lead;
      });
    } catch (error) {
      // Two interests of one organisation at once: the second meets the first's row in the unique index.
      if (isUniqueViolation(error, 'lead_open_key')) throw LeadException.alreadyOpen();
      throw error;
    }
  }

  /** A lead the caller may see (404 otherwise, never 403), with the notes if the caller is staff. */
  async get(caller: Principal, id: string): Promise<LeadDetail> {
    const lead = await this.leads.findById(id);
    const relation = lead ? leadRelation(lead, caller) : LeadRelation.None;
    if (!lead || relation === LeadRelation.None) throw new NotFoundException('lead', id);
    return { lead, notes: relation === LeadRelation.Staff ? await this.leads.notesOf(lead.id) : null };
  }

  async list(caller: Principal, query: LeadListQueryDto, overdueCutoff: Date): Promise<Page<Lead>> {
    const scope = callerScope(caller);
    if (query.baseId !== undefined && scope.kind !== 'all' && !(scope.kind === 'base' && scope.baseId === query.baseId)) {
      throw new ForbiddenException('Only admins filter by baseId, and operators by their own base');
    }
    return this.leads.page({
      scope,
      status: query.status,
      baseId: query.baseId,
      overdue: query.overdue,
      overdueCutoff,
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  /**
   * Applies a status change, a reassignment and a note together, under the lead's row lock; each
   * change writes its own audit event and counts as activity. The parties may read a lead but not
   * change it (403); anyone else gets 404.
   */
  async update(caller: Principal, id: string, dto: UpdateLeadDto): Promise<LeadDetail> {
    if (dto.reason !== undefined && dto.status !== LeadStatus.Closed) {
      throw ValidationFailedException.field('reason', 'is only accepted with status "closed"');
    }
    if (dto.status === undefined && dto.operatorId === undefined && dto.note === undefined) {
      throw new ValidationFailedException([], 'Send at least one of status, operatorId or note');
    }
    return this.dataSource.transaction(async (manager) => {
      const lead = await this.leads.lockById(manager, id);
      const relation = lead ? leadRelation(lead, caller) : LeadRelation.None;
      if (!lead || relation === LeadRelation.None) throw new NotFoundException('lead', id);
      if (relation !== LeadRelation.Staff) throw new ForbiddenException("Only the base's operators and admins change a lead");

      // Every check first, so that a refusal writes nothing.
      const from = lead.status;
      if (dto.status !== undefined && !canMoveLead(from, dto.status)) throw LeadException.illegalTransition(from, dto.status);
      const reassign = dto.operatorId !== undefined && dto.operatorId !== lead.operatorId;
      if (reassign) {
        if (!isOpenLeadStatus(from)) throw LeadException.notReassignable(from);
        if (!(await this.leads.isOperatorOf(manager, dto.operatorId!, lead.baseId))) throw LeadException.operatorNotAtBase();
      }
      if (dto.status === undefined && !reassign && dto.note === undefined)
        return { lead, notes: await this.leads.notesOf(lead.id, manager) };

      const now = new Date();
      const changes: { verb: string; apply: (lead: Lead) => void; note?: string }[] = [];
      if (dto.status !== undefined) {
        const to = dto.status;
        changes.push({
          verb: LEAD_STATUS_VERBS[to],
          apply: (l) => {
            l.status = to;
            if (to === LeadStatus.Closed) l.closeReason = dto.reason!;
          },
        });
      }
      if (reassign) changes.push({ verb: 'reassign', apply: (l) => (l.operatorId = dto.operatorId!) });
      if (dto.note !== undefined) changes.push({ verb: 'note', apply: () => undefined, note: dto.note });

      const events: { verb: string; before: LeadSnapshot; after: LeadSnapshot }[] = [];
      for (const change of changes) {
        const before = leadSnapshot(lead);
        change.apply(lead);
        lead.lastActivityAt = now;
        events.push({
          verb: change.verb,
          before,
          after: change.note === undefined ? leadSnapshot(lead) : { ...leadSnapshot(lead), note: change.note },
        });
      }
      const saved = await this.leads.save(manager, lead);
      if (dto.note !== undefined) await this.leads.addNote(manager, { leadId: lead.id, authorId: caller.userId, body: dto.note });
      // Audit last: AuditService.record locks the chain head, which should be held briefly.
      for (const event of events) await this.record(manager, caller, event.verb, event.before, event.after);
      return { lead: saved, notes: await this.leads.notesOf(lead.id, manager) };
    });
  }

  private record(
    manager: EntityManager,
    caller: Principal,
    verb: string,
    before: LeadSnapshot | null,
    after: LeadSnapshot,
  ): Promise<unknown> {
    return this.audit.record(manager, { actor: caller, action: `lead.${verb}`, entity: 'lead', entityId: after.id, before, after });
  }
}
