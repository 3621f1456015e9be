import type { LedgerCell } from '#yizhi/core';

/** A cell's figures; fen as decimal strings of integers (exact, and JSON-safe). */
export interface CellFigures {
  dealCount: number;
  contractFen: string;
  techFen: string;
  receivedFen: string;
}

export interface MajorResultFigures {
  baseId: string;
  month: string;
  dealId: string;
}

/**
 * A rollup row that differs from the ledger computed afresh: `rollup` is what the table holds,
 * `ledger` what it should hold (null where a side has no row; `true`/`false` for the enterprise
 * rows, which are there or not).
 */
export type VolumeDifference =
  | {
      table: 'volume_cell';
      baseId: string;
      /** YYYY-MM. */
      month: string;
      field: string;
      category: string;
      rollup: CellFigures | null;
      ledger: CellFigures | null;
    }
  | { table: 'volume_enterprise'; baseId: string; month: string; creditCode: string; rollup: boolean; ledger: boolean }
  | { table: 'volume_major_result'; listingId: string; rollup: MajorResultFigures | null; ledger: MajorResultFigures | null };

/** The base months a difference is about (a major result's on either side). */
export function cellsOfDifference(difference: VolumeDifference): LedgerCell[] {
  if (difference.table !== 'volume_major_result') return [{ baseId: difference.baseId, month: difference.month }];
  return [difference.rollup, difference.ledger].filter((side) => side !== null).map((side) => ({ baseId: side.baseId, month: side.month }));
}
