import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobName, OutboxService, type LedgerCell, type LedgerChange } from '#yizhi/core';
import { monthOf } from './periods/periods.service.js';

/** The distinct cells of a base at the months of these dates. */
export function cellsOf(baseId: string, dates: readonly string[]): LedgerCell[] {
  return [...new Set(dates.map(monthOf))].sort().map((month) => ({ baseId, month }));
}

/**
 * The ledger's events for the volumes: every write to deals, payments, adjustments and service
 * records puts one in the outbox, in its own transaction, next to its audit event. The outbox id
 * is the job's id, so each event is one job; its consumer recomputes the cells and replaces them,
 * so a replayed event changes nothing.
 */
@Injectable()
export class LedgerEvents {
  constructor(private readonly outbox: OutboxService) {}

  changed(manager: EntityManager, change: LedgerChange): Promise<string> {
    return this.outbox.enqueue(manager, JobName.LedgerChanged, change);
  }
}
