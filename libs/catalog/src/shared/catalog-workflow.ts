import {
  ForbiddenException,
  JobName,
  NotFoundException,
  Role,
  UnauthenticatedException,
  type OutboxService,
  type Page,
  type Principal,
} from '#yizhi/core';
import type { AuditService } from '#yizhi/audit';
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import { CatalogException } from '../catalog.exception.js';
import { CatalogAction, CatalogStatus, nextStatus, type CatalogKind } from '../lifecycle/catalog-status.js';
import { toTsvectorLiteral } from '../search/chinese-text.js';
import type { CatalogItem } from './catalog-item.js';

/** Who may take each action: the owner organisation, or an admin reviewing. */
const ADMIN_ACTIONS = new Set([CatalogAction.Approve, CatalogAction.Reject]);

export interface WorkflowOptions<T extends CatalogItem> {
  kind: CatalogKind;
  target: EntityTarget<T>;
  /** The texts to index, strongest first: title (A), keywords (B), body (C). */
  searchTexts: (item: T) => { title: string; keywords: string[]; body: string };
  /** A JSON-safe picture of the item for the audit trail. */
  snapshot: (item: T) => object;
}

/**
 * The lifecycle both listings and needs share: who may see an item, who may act on it, the state
 * machine, the search vector, and an audit event in the same transaction as every change.
 */
export class CatalogWorkflow<T extends CatalogItem> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly options: WorkflowOptions<T>,
  ) {}

  /** Drafts, pending and rejected items are the owner's and the admins'; anyone else gets 404. */
  canSee(item: T, caller: Principal | null): boolean {
    return item.status === CatalogStatus.Published || this.isOwnerOrAdmin(item, caller);
  }

  isOwnerOrAdmin(item: T, caller: Principal | null): boolean {
    return caller !== null && (caller.role === Role.Admin || caller.organizationId === item.ownerOrganizationId);
  }

  async create(caller: Principal, values: Partial<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const item = await manager.save(this.options.target, {
        ...values,
        ownerOrganizationId: caller.organizationId!,
        status: CatalogStatus.Draft,
      } as T);
      await this.index(manager, item);
      await this.record(manager, caller, 'create', null, item);
      return item;
    });
  }

  /**
   * Applies `action` to the item under a row lock: checks who may, moves the state, lets `change`
   * edit the row, re-indexes it and writes the audit event, all in one transaction.
   */
  async act(caller: Principal, id: string, action: CatalogAction, change?: (item: T) => void): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const item = await manager.findOne(this.options.target, { where: { id } as never, lock: { mode: 'pessimistic_write' } });
      if (!item || !this.canSee(item, caller)) throw new NotFoundException(this.options.kind, id);
      const byAdmin = ADMIN_ACTIONS.has(action);
      if (byAdmin ? caller.role !== Role.Admin : caller.organizationId !== item.ownerOrganizationId) {
        throw new ForbiddenException(
          byAdmin
            ? `Only an admin may ${action} a ${this.options.kind}`
            : `Only the owner organization may ${action} this ${this.options.kind}`,
        );
      }
      const to = nextStatus(this.options.kind, item.status, action);
      if (!to) throw CatalogException.illegalTransition(this.options.kind, action, item.status);
      const before = this.options.snapshot(item);
      change?.(item);
      // An edit that changes nothing is no edit: it must not send a published item back to review.
      if (action === CatalogAction.Edit && JSON.stringify(this.options.snapshot(item)) === JSON.stringify(before)) return item;
      item.status = to;
      const saved = await manager.save(this.options.target, item);
      await this.index(manager, saved);
      await this.enqueueMatching(manager, saved);
      await this.record(manager, caller, action, before, saved);
      return saved;
    });
  }

  /**
   * Every change of state or text can change the item's matches (published: recompute; anything
   * else: drop them). The job is keyed by the item's version, so a retry is not a second job.
   */
  enqueueMatching(manager: EntityManager, item: T): Promise<string> {
    const { kind } = this.options;
    return this.outbox.enqueue(
      manager,
      JobName.ComputeMatches,
      { kind, id: item.id },
      { key: `${kind}:${item.id}:${item.updatedAt.toISOString()}` },
    );
  }

  private async index(manager: EntityManager, item: T): Promise<void> {
    const { title, keywords, body } = this.options.searchTexts(item);
    const vector = toTsvectorLiteral([
      { text: title, weight: 'A' },
      // 、 is punctuation to the tokenizer: no bigram bridges two keywords.
      { text: keywords.join('、'), weight: 'B' },
      { text: body, weight: 'C' },
    ]);
    await manager.query(
      `UPDATE ${this.options.kind} SET search_vector = $1::tsvector, title_vector = ts_filter($1::tsvector, '{a,b}') WHERE id = $2`,
      [vector, item.id],
    );
  }

  private record(manager: EntityManager, caller: Principal | null, action: string, before: object | null, item: T): Promise<unknown> {
    return this.audit.record(manager, {
      actor: caller,
      action: `${this.options.kind}.${action}`,
      entity: this.options.kind,
      entityId: item.id,
      before,
      after: this.options.snapshot(item),
    });
  }
}

/**
 * `?mine=true`: the caller's organisation's items. Anonymous callers must sign in; staff (admins,
 * operators) belong to no organisation and so own nothing.
 */
export async function ownItems<R>(caller: Principal | null, search: (organizationId: string) => Promise<Page<R>>): Promise<Page<R>> {
  if (!caller) throw new UnauthenticatedException('Sign in to list your own items (?mine=true)');
  if (!caller.organizationId) return { items: [], nextCursor: null };
  return search(caller.organizationId);
}
