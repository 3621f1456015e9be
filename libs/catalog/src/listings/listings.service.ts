import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '#yizhi/audit';
import {
  addYears,
  NotFoundException,
  OutboxService,
  platformDate,
  ValidationFailedException,
  type Page,
  type Principal,
} from '#yizhi/core';
import { DataSource } from 'typeorm';
import { CatalogAction } from '../lifecycle/catalog-status.js';
import { snippetHighlighter } from '../search/chinese-text.js';
import { assertNotPast } from '../shared/catalog-dates.js';
import { CatalogWorkflow, ownItems } from '../shared/catalog-workflow.js';
import { normalizePatentNumber } from '../patents/patent-number.js';
import type { CreateListingDto, ListingSearchQueryDto, RenewListingDto, ReviewListingDto, UpdateListingDto } from './dto/listing.dto.js';
import { ListingHitView, ListingView } from './dto/listing.view.js';
import { Listing } from './listing.entity.js';
import { ListingsRepository } from './listings.repository.js';

/** Research results: the owner institute's drafts and edits, the admins' review, search and expiry. */
@Injectable()
export class ListingsService {
  private readonly logger = new Logger(ListingsService.name);
  private readonly workflow: CatalogWorkflow<Listing>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly listings: ListingsRepository,
    private readonly audit: AuditService,
    outbox: OutboxService,
  ) {
    this.workflow = new CatalogWorkflow(dataSource, audit, outbox, {
      kind: 'listing',
      target: Listing,
      searchTexts: (l) => ({ title: l.title, keywords: l.keywords, body: l.summary }),
      snapshot: (l) => ListingView.of(l, platformDate()),
    });
  }

  create(caller: Principal, dto: CreateListingDto): Promise<Listing> {
    assertNotPast('validUntil', dto.validUntil, { todayAllowed: false });
    return this.workflow.create(caller, {
      ...this.columns(dto),
      keywords: dto.keywords ?? [],
      patentNumbers: dto.patentNumbers ?? [],
      contact: dto.contact ?? null,
      region: dto.region ?? null,
      validUntil: dto.validUntil ?? null,
      major: false,
    });
  }

  /** Editing a published listing sends it back to review. */
  update(caller: Principal, id: string, dto: UpdateListingDto): Promise<Listing> {
    assertNotPast('validUntil', dto.validUntil, { todayAllowed: false });
    return this.workflow.act(caller, id, CatalogAction.Edit, (listing) => Object.assign(listing, this.columns(dto)));
  }

  submit(caller: Principal, id: string): Promise<Listing> {
    return this.workflow.act(caller, id, CatalogAction.Submit);
  }

  withdraw(caller: Principal, id: string): Promise<Listing> {
    return this.workflow.act(caller, id, CatalogAction.Withdraw);
  }

  /** The owner reports the result transferred; like a withdrawal it is final, but it says why the listing left the market. */
  transfer(caller: Principal, id: string): Promise<Listing> {
    return this.workflow.act(caller, id, CatalogAction.Transfer);
  }

  /** Extends validUntil (by default one year past today or past the current date, whichever is later); an expired listing returns to search. */
  renew(caller: Principal, id: string, dto: RenewListingDto): Promise<Listing> {
    assertNotPast('validUntil', dto.validUntil, { todayAllowed: false });
    return this.workflow.act(caller, id, CatalogAction.Renew, (listing) => {
      const today = platformDate();
      const from = listing.validUntil && listing.validUntil > today ? listing.validUntil : today;
      listing.validUntil = dto.validUntil ?? addYears(from, 1);
      listing.expiredAt = null;
    });
  }

  /** Approving publishes (validUntil defaults to a year on); only here can `major` be set. */
  review(caller: Principal, id: string, dto: ReviewListingDto): Promise<Listing> {
    if (dto.decision === 'reject' && dto.major !== undefined)
      throw ValidationFailedException.field('major', 'major can only be set when approving');
    const action = dto.decision === 'approve' ? CatalogAction.Approve : CatalogAction.Reject;
    return this.workflow.act(caller, id, action, (listing) => {
      listing.reviewReason = dto.reason ?? null;
      if (action === CatalogAction.Approve) {
        const now = new Date();
        listing.publishedAt = now;
        if (!listing.validUntil || listing.validUntil < platformDate(now)) listing.validUntil = addYears(platformDate(now), 1);
        listing.expiredAt = null;
        if (dto.major !== undefined) listing.major = dto.major;
      }
    });
  }

  async get(caller: Principal | null, id: string): Promise<Listing> {
    const listing = await this.listings.findById(id);
    if (!listing || !this.workflow.canSee(listing, caller)) throw new NotFoundException('listing', id);
    return listing;
  }

  async search(caller: Principal | null, query: ListingSearchQueryDto): Promise<Page<ListingHitView>> {
    const today = platformDate();
    const page = query.mine
      ? await ownItems(caller, (organizationId) => this.listings.searchOwn(organizationId, query))
      : await this.listings.searchPublished(query, today);
    const highlight = snippetHighlighter(query.q ?? '');
    return { items: page.items.map((row) => ListingHitView.of(row, today, highlight)), nextCursor: page.nextCursor };
  }

  /** The scheduled expiry: marks listings past validUntil (search already leaves them out) and audits each. */
  async markExpired(): Promise<number> {
    const today = platformDate();
    return this.dataSource.transaction(async (manager) => {
      const expired = await this.listings.lockNewlyExpired(manager, today);
      for (const listing of expired) {
        const before = ListingView.of(listing, today);
        listing.expiredAt = new Date();
        const saved = await manager.save(Listing, listing);
        await this.workflow.enqueueMatching(manager, saved);
        await this.audit.record(manager, {
          actor: null,
          action: 'listing.expire',
          entity: 'listing',
          entityId: listing.id,
          before,
          after: ListingView.of(listing, today),
        });
      }
      if (expired.length) this.logger.log(`marked ${expired.length} listings expired`);
      return expired.length;
    });
  }

  /** The DTO's columns, canonicalised; only what the caller sent. */
  private columns(dto: UpdateListingDto): Partial<Listing> {
    const { field, patentNumbers, ...rest } = dto;
    return {
      ...(rest as Partial<Listing>),
      ...(field !== undefined ? { fieldCode: field } : {}),
      ...(patentNumbers !== undefined ? { patentNumbers: patentNumbers.map(normalizePatentNumber) } : {}),
    };
  }
}
