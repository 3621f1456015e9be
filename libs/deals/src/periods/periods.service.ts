import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '#yizhi/audit';
import { DomainException, ErrorCode, platformDate, ValidationFailedException, type Principal } from '#yizhi/core';
import { Period } from './period.entity.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month (YYYY-MM) of a calendar day (YYYY-MM-DD). */
export const monthOf = (date: string) => date.slice(0, 7);

/** One lock per month: closing takes it exclusively, every ledger write in the month shares it. */
const LOCK = 'SELECT pg_advisory_xact_lock%s(hashtextextended($1, 0))';
const lockKey = (month: string) => `period:${month}`;

export class PeriodException extends DomainException {
  /** 422 naming the field whose date falls in a closed month. */
  static closed(field: string, month: string): PeriodException {
    return new PeriodException(
      'PERIOD_CLOSED',
      422,
      `${month} is closed: correct its deals with adjustments (POST /deals/:id/adjustments)`,
      [{ field, message: `falls in ${month}, which is closed` }],
    );
  }

  static alreadyClosed(month: string): PeriodException {
    return new PeriodException(ErrorCode.Conflict, 409, `${month} is already closed`, [{ field: 'month', message: 'is already closed' }]);
  }

  static notEnded(month: string): PeriodException {
    return new PeriodException(ErrorCode.RuleViolated, 422, `${month} has not ended yet; a month is closed once it is over`, [
      { field: 'month', message: 'has not ended yet' },
    ]);
  }
}

/** Closing months, and the check every ledger write makes against them. */
@Injectable()
export class PeriodsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Closes a month that has ended (Chongqing time); writes in it that are under way finish first. */
  async close(caller: Principal, month: string): Promise<Period> {
    if (!MONTH.test(month)) throw ValidationFailedException.field('month', 'must be a month such as 2026-05');
    if (month >= monthOf(platformDate())) throw PeriodException.notEnded(month);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(LOCK.replace('%s', ''), [lockKey(month)]);
      if (await manager.exists(Period, { where: { month } })) throw PeriodException.alreadyClosed(month);
      const period = await manager.save(Period, manager.create(Period, { month, closedAt: new Date(), closedById: caller.userId }));
      await this.audit.record(manager, {
        actor: caller,
        action: 'period.close',
        entity: 'period',
        entityId: month,
        before: null,
        after: { month, closedAt: period.closedAt },
      });
      return period;
    });
  }

  /** Closed months, newest first. */
  closed(): Promise<Period[]> {
    return this.dataSource.getRepository(Period).find({ order: { month: 'DESC' } });
  }

  /**
   * Refuses (422 naming `field`) a write dated `date` when its month is closed. Holds the month's
   * shared lock to the end of the transaction, so that a close waits for the write, or the write
   * sees the close.
   */
  async assertOpen(manager: EntityManager, date: string, field: string): Promise<void> {
    const month = monthOf(date);
    await manager.query(LOCK.replace('%s', '_shared'), [lockKey(month)]);
    if (await manager.exists(Period, { where: { month } })) throw PeriodException.closed(field, month);
  }

  /** assertOpen for many months (the import's batches): takes each one's shared lock and returns the closed ones. */
  async closedAmong(manager: EntityManager, months: readonly string[]): Promise<Set<string>> {
    const sorted = [...new Set(months)].sort();
    if (!sorted.length) return new Set();
    await manager.query(
      `SELECT pg_advisory_xact_lock_shared(hashtextextended(k, 0)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS keys`,
      [sorted.map(lockKey)],
    );
    const closed = await manager.getRepository(Period).findBy({ month: In(sorted) });
    return new Set(closed.map((period) => period.month));
  }
}
