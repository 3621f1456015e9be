import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '#yizhi/audit';
import { QueueName, type LedgerCell, type OutboxBacklog } from '#yizhi/core';
import { cellsOfDifference, type VolumeDifference } from './volume-difference.js';
import { normalizeCells } from './volume-rules.js';
import { VolumesRepository, type LedgerFreshnessRow } from './volumes.repository.js';

/** Called between the statements of a long run: `done` of `total` steps. */
export type VolumesProgress = (done: number, total: number) => Promise<void> | void;

export interface RecomputeResult {
  /** The base months replaced. */
  cells: LedgerCell[];
  /** Whether rows of volume_major_result were rewritten (only for listings the change is or was about: nothing else moves them). */
  majorResults: boolean;
}

export interface RebuildResult {
  cells: number;
  enterprises: number;
  majorResults: number;
}

export interface ReconcileResult {
  /** Every rollup row that differed from the ledger, with both figures. */
  differences: VolumeDifference[];
  /** The base months recomputed to repair them. */
  repaired: LedgerCell[];
  /** The finding recorded, when something differed. */
  findingId: string | null;
}

export interface VolumesFreshness extends LedgerFreshnessRow {
  /** Ledger events for the volumes still in the outbox (not yet handed to BullMQ). */
  outbox: OutboxBacklog;
}

/** Limits of a reconciliation's records. */
export const RECONCILE_LIMITS = {
  /** Differences kept in a finding (all are counted)… */
  storedDifferences: 1_000,
  /** …and in its audit event, which is hashed whole. */
  auditedDifferences: 100,
  /** Base months named in the finding's text. */
  namedCells: 20,
} as const;

/** The rollups are stale when a ledger change or a volumes event has waited this long. */
export const STALE_AFTER_SECONDS = 3_600;

/** Whether the rollups lag the ledger by more than `seconds`, by either measure of VolumesFreshness. */
export function isStale(freshness: VolumesFreshness, seconds = STALE_AFTER_SECONDS): boolean {
  return freshness.lagSeconds > seconds || (freshness.outbox.oldestAgeSeconds ?? 0) > seconds;
}

/**
 * The volume rollups (volume_cell, volume_enterprise, volume_major_result): exact figures kept by
 * recomputing from the ledger, never by incrementing, so that a job run twice, or two workers at
 * once, give the same rows. Locks (VOLUME_LOCKS): a recompute shares the global key and takes its
 * base months' keys in order; a rebuild or a reconciliation holds the global key exclusively.
 */
@Injectable()
export class VolumesService {
  private readonly logger = new Logger(VolumesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: VolumesRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Replaces, in one transaction, the rows of the given base months and of every month these
   * deals touch (signing, payments, adjustments), from the ledger as it stands; then the major
   * results of the given listings and of these deals' listings, if any.
   */
  async recompute(cells: readonly LedgerCell[], dealIds: readonly string[], listingIds: readonly string[] = []): Promise<RecomputeResult> {
    const deals = [...new Set(dealIds.map((id) => id.toLowerCase()))];
    const given = normalizeCells(cells);
    return this.dataSource.transaction(async (manager) => {
      await this.repository.lockAll(manager, 'shared');
      const scope = normalizeCells([...given, ...(await this.repository.cellsOfDeals(manager, deals))]);
      await this.repository.lockCells(manager, scope);
      await this.repository.replaceCells(manager, scope);
      const listings = [
        ...new Set([...listingIds, ...(await this.repository.listingsOfDeals(manager, deals))].map((id) => id.toLowerCase())),
      ];
      await this.repository.lockMajorResults(manager, listings);
      await this.repository.replaceMajorResultsOf(manager, listings);
      await this.repository.markRefreshed(manager, false);
      return { cells: scope, majorResults: listings.length > 0 };
    });
  }

  /** Replaces all three tables from the ledger, one set-based statement each, alone (the global key held exclusively). */
  async rebuild(progress?: VolumesProgress): Promise<RebuildResult> {
    const steps = 3;
    const result = await this.dataSource.transaction(async (manager) => {
      await this.repository.allowWholeLedgerWork(manager);
      await this.repository.lockAll(manager, 'exclusive');
      await this.repository.truncateAll(manager);
      await this.repository.dropPrimaryKeys(manager);
      const cells = await this.repository.insertAllCells(manager);
      await progress?.(1, steps);
      const enterprises = await this.repository.insertAllEnterprises(manager);
      await progress?.(2, steps);
      const majorResults = await this.repository.insertAllMajorResults(manager);
      await this.repository.restorePrimaryKeys(manager);
      await this.repository.markRefreshed(manager, true);
      return { cells, enterprises, majorResults };
    });
    await progress?.(steps, steps);
    this.logger.log(
      `volumes rebuilt: ${result.cells} cells, ${result.enterprises} enterprise months, ${result.majorResults} major results`,
    );
    return result;
  }

  /**
   * Compares every rollup row with the ledger computed afresh; when some differ, recomputes their
   * base months, and records one finding (volume_finding) and its audit event, all in one
   * transaction. It runs alone (the global key held exclusively), so a recompute under way is not
   * mistaken for a mismatch; a ledger change whose event has not been handled yet still is one.
   */
  async reconcile(progress?: VolumesProgress): Promise<ReconcileResult> {
    const steps = 4;
    const result = await this.dataSource.transaction(async (manager) => {
      await this.repository.allowWholeLedgerWork(manager);
      await this.repository.lockAll(manager, 'exclusive');
      const differences = [...(await this.repository.diffCells(manager))];
      await progress?.(1, steps);
      differences.push(...(await this.repository.diffEnterprises(manager)));
      await progress?.(2, steps);
      differences.push(...(await this.repository.diffMajorResults(manager)));
      await progress?.(3, steps);
      if (!differences.length) return { differences, repaired: [], findingId: null };
      return this.repair(manager, differences);
    });
    await progress?.(steps, steps);
    if (result.findingId) {
      this.logger.warn(`the volumes differed from the ledger in ${result.differences.length} rows; repaired (finding ${result.findingId})`);
    }
    return result;
  }

  /** How far the rollups lag the ledger, and what waits in the outbox for them. Reports only; enqueues nothing. */
  async freshness(): Promise<VolumesFreshness> {
    const [ledger, outbox] = await Promise.all([this.repository.ledgerFreshness(), this.repository.outboxBacklog(QueueName.Volumes)]);
    return { ...ledger, outbox };
  }

  private async repair(manager: EntityManager, differences: VolumeDifference[]): Promise<ReconcileResult> {
    const named = normalizeCells(differences.flatMap(cellsOfDifference));
    await this.repository.replaceCells(manager, named);
    if (differences.some((d) => d.table === 'volume_major_result')) await this.repository.replaceMajorResults(manager);
    await this.repository.markRefreshed(manager, false);
    const finding = await this.repository.insertFinding(manager, {
      detail: await this.detail(manager, differences.length, named),
      cells: named,
      differences: differences.slice(0, RECONCILE_LIMITS.storedDifferences),
      differenceCount: differences.length,
    });
    await this.audit.record(manager, {
      actor: null,
      // The audit trail names its entities (AUDIT_ENTITY_NAMES); a rollup mismatch is recorded as the anomaly it is.
      action: 'anomaly.flag',
      entity: 'anomaly',
      entityId: finding.id,
      before: null,
      after: {
        id: finding.id,
        rule: 'volume_mismatch',
        detail: finding.detail,
        cells: named,
        differenceCount: differences.length,
        differences: differences.slice(0, RECONCILE_LIMITS.auditedDifferences),
      },
    });
    return { differences, repaired: named, findingId: finding.id };
  }

  /** 汇总与台账不一致: the finding in Chinese, naming the base months (the first few). */
  private async detail(manager: EntityManager, count: number, cells: readonly LedgerCell[]): Promise<string> {
    const names = await this.repository.baseNames(manager, [...new Set(cells.map((c) => c.baseId))]);
    const shown = cells.slice(0, RECONCILE_LIMITS.namedCells).map((c) => `${names.get(c.baseId) ?? c.baseId} ${c.month}`);
    const more = cells.length > shown.length ? `等${cells.length}个基地月份` : '';
    return `成交汇总与台账不一致：${count}处差异，涉及${shown.join('、')}${more}；已按台账重算修复`;
  }
}
