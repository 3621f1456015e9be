import { AdjustedAmount, DealCategory, DealStatus, DealVerification } from '#yizhi/deals';
import type { LedgerCell } from '#yizhi/core';

/** The statuses in which a verified deal counts toward the targets (API.md); a cancelled or draft deal never does. */
export const COUNTING_DEAL_STATUSES: readonly DealStatus[] = [DealStatus.Signed, DealStatus.Registered, DealStatus.Completed];

/** The verification a deal needs to count. */
export const COUNTING_VERIFICATION = DealVerification.Verified;

/** The contract categories that transfer a result (for the major-results target). */
export const MAJOR_RESULT_CATEGORIES: readonly DealCategory[] = [DealCategory.Transfer, DealCategory.Licence];

/** A buyer whose region starts with this is in Chongqing. */
export const CHONGQING = '重庆';

/** Which column of a cell each adjusted amount moves. */
export const ADJUSTED_COLUMN: Readonly<Record<AdjustedAmount, 'contract' | 'tech' | 'received'>> = {
  [AdjustedAmount.ContractAmount]: 'contract',
  [AdjustedAmount.TechTransactionAmount]: 'tech',
  [AdjustedAmount.ReceivedAmount]: 'received',
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cell named by a job that is not a base month: a bug upstream, so the job fails loudly rather than skip it. */
export class InvalidLedgerCellError extends Error {
  constructor(cell: unknown) {
    super(`Not a ledger cell (baseId uuid, month YYYY-MM): ${JSON.stringify(cell)}`);
    this.name = 'InvalidLedgerCellError';
  }
}

/** The distinct cells, sorted by base then month (ids in lower case, as PostgreSQL prints them); refuses a malformed one. */
export function normalizeCells(cells: Iterable<LedgerCell>): LedgerCell[] {
  const byKey = new Map<string, LedgerCell>();
  for (const cell of cells) {
    if (!cell || typeof cell.baseId !== 'string' || !UUID.test(cell.baseId) || typeof cell.month !== 'string' || !MONTH.test(cell.month)) {
      throw new InvalidLedgerCellError(cell);
    }
    const normalized = { baseId: cell.baseId.toLowerCase(), month: cell.month };
    byKey.set(`${normalized.baseId}:${normalized.month}`, normalized);
  }
  return [...byKey.values()].sort((a, b) => a.baseId.localeCompare(b.baseId) || a.month.localeCompare(b.month));
}

/** The cells as the two parallel arrays the SQL takes: base ids, and each month's first day. */
export function cellParams(cells: readonly LedgerCell[]): [string[], string[]] {
  return [cells.map((c) => c.baseId), cells.map((c) => `${c.month}-01`)];
}

/**
 * Advisory-lock keys (hashed with hashtextextended). Every recompute shares the global key and
 * takes its cells' keys in sorted order; a rebuild or a reconciliation holds the global key alone,
 * exclusively. Each listing's major result has a key of its own, taken after the cells', in sorted
 * order too. One order everywhere: no deadlock.
 */
export const VOLUME_LOCKS = {
  global: 'volumes:all',
  majorResult: (listingId: string) => `volumes:major-result:${listingId}`,
  cell: (cell: LedgerCell) => `volumes:cell:${cell.baseId}:${cell.month}`,
} as const;
