import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '#yizhi/audit';
import { NotFoundException, OutboxService, ValidationFailedException, type Page, type Principal } from '#yizhi/core';
import { DataSource } from 'typeorm';
import { CatalogAction } from '../lifecycle/catalog-status.js';
import { snippetHighlighter } from '../search/chinese-text.js';
import { assertNotPast } from '../shared/catalog-dates.js';
import { CatalogWorkflow, ownItems } from '../shared/catalog-workflow.js';
import type { CreateNeedDto, NeedSearchQueryDto, UpdateNeedDto } from './dto/need.dto.js';
import { NeedHitView, NeedView } from './dto/need.view.js';
import { Need } from './need.entity.js';
import { NeedsRepository } from './needs.repository.js';

/** Technology needs: the owner enterprise's drafts and edits, the admins' review, and search. */
@Injectable()
export class NeedsService {
  private readonly workflow: CatalogWorkflow<Need>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly needs: NeedsRepository,
    audit: AuditService,
    outbox: OutboxService,
  ) {
    this.workflow = new CatalogWorkflow(dataSource, audit, outbox, {
      kind: 'need',
      target: Need,
      searchTexts: (n) => ({ title: n.title, keywords: n.keywords, body: n.description }),
      snapshot: (n) => NeedView.of(n),
    });
  }

  create(caller: Principal, dto: CreateNeedDto): Promise<Need> {
    assertBudget(dto);
    assertNotPast('deadline', dto.deadline, { todayAllowed: true });
    return this.workflow.create(caller, {
      ...this.columns(dto),
      keywords: dto.keywords ?? [],
      contact: dto.contact ?? null,
      region: dto.region ?? null,
    });
  }

  /** Editing a published need sends it back to review; the merged budget must still be a range. */
  update(caller: Principal, id: string, dto: UpdateNeedDto): Promise<Need> {
    assertNotPast('deadline', dto.deadline, { todayAllowed: true });
    return this.workflow.act(caller, id, CatalogAction.Edit, (need) => {
      Object.assign(need, this.columns(dto));
      assertBudget(need);
    });
  }

  submit(caller: Principal, id: string): Promise<Need> {
    return this.workflow.act(caller, id, CatalogAction.Submit);
  }

  close(caller: Principal, id: string): Promise<Need> {
    return this.workflow.act(caller, id, CatalogAction.Close);
  }

  review(caller: Principal, id: string, decision: 'approve' | 'reject', reason: string | undefined): Promise<Need> {
    const action = decision === 'approve' ? CatalogAction.Approve : CatalogAction.Reject;
    return this.workflow.act(caller, id, action, (need) => {
      need.reviewReason = reason ?? null;
      if (action === CatalogAction.Approve) need.publishedAt = new Date();
    });
  }

  async get(caller: Principal | null, id: string): Promise<Need> {
    const need = await this.needs.findById(id);
    if (!need || !this.workflow.canSee(need, caller)) throw new NotFoundException('need', id);
    return need;
  }

  async search(caller: Principal | null, query: NeedSearchQueryDto): Promise<Page<NeedHitView>> {
    const page = query.mine
      ? await ownItems(caller, (organizationId) => this.needs.searchOwn(organizationId, query))
      : await this.needs.searchPublished(query);
    const highlight = snippetHighlighter(query.q ?? '');
    return { items: page.items.map((row) => NeedHitView.of(row, highlight)), nextCursor: page.nextCursor };
  }

  private columns(dto: UpdateNeedDto): Partial<Need> {
    const { field, ...rest } = dto;
    return { ...(rest as Partial<Need>), ...(field !== undefined ? { fieldCode: field } : {}) };
  }
}

/** A budget is a range: its maximum, when there is one, is not below its minimum. */
function assertBudget(need: { budgetMin?: { fen: bigint } | null; budgetMax?: { fen: bigint } | null }): void {
  if (need.budgetMin && need.budgetMax && need.budgetMax.fen < need.budgetMin.fen) {
    throw ValidationFailedException.field('budgetMax', 'budgetMax must not be below budgetMin');
  }
}
