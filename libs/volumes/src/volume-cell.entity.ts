import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { DealCategory } from '#yizhi/deals';
import { signedFenTransformer } from './signed-fen.transformer.js';

/**
 * The volume of one base in one month, for one field and contract category: what the deals that
 * count (COUNTING_DEAL_STATUSES, verified) add up to there. Derived from the ledger and replaced,
 * never incremented:
 *
 * - `dealCount`, `contractFen`, `techFen`: the counting deals signed in the month, at their
 *   recorded amounts, plus the deltas of those deals' adjustments whose `effective_on` falls in
 *   the month (a closed month stays as reported; its corrections land in the open month);
 * - `receivedFen`: the counting deals' payments received in the month, plus their
 *   `receivedAmount` adjustments effective in it.
 *
 * The amounts are signed (a month of downward corrections alone is negative). A cell exists only
 * when it holds something: no all-zero rows. No foreign keys: every row is written from ledger
 * rows that hold them, and a rebuild would otherwise pay a lookup per row.
 */
@Entity('volume_cell')
@Check('volume_cell_month_check', 'EXTRACT(DAY FROM month) = 1')
@Check('volume_cell_deal_count_check', 'deal_count >= 0')
@Check('volume_cell_not_empty_check', 'deal_count > 0 OR contract_fen <> 0 OR tech_fen <> 0 OR received_fen <> 0')
export class VolumeCell {
  @PrimaryColumn({ name: 'base_id', type: 'uuid', primaryKeyConstraintName: 'volume_cell_pkey' })
  baseId: string;

  /** The first day of the month. */
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'volume_cell_pkey' })
  month: string;

  @PrimaryColumn({ name: 'field', type: 'text', primaryKeyConstraintName: 'volume_cell_pkey' })
  fieldCode: string;

  @PrimaryColumn({ type: 'enum', enum: DealCategory, enumName: 'deal_category', primaryKeyConstraintName: 'volume_cell_pkey' })
  category: DealCategory;

  @Column({ name: 'deal_count', type: 'integer' })
  dealCount: number;

  /** 合同成交额, in fen. */
  @Column({ name: 'contract_fen', type: 'bigint', transformer: signedFenTransformer })
  contractFen: bigint;

  /** 技术交易额, in fen. */
  @Column({ name: 'tech_fen', type: 'bigint', transformer: signedFenTransformer })
  techFen: bigint;

  /** 实际到账, in fen. */
  @Column({ name: 'received_fen', type: 'bigint', transformer: signedFenTransformer })
  receivedFen: bigint;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt: Date;
}
