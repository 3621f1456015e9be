import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row: when the rollups were last recomputed (any cells) and last rebuilt (all of them). The
 * freshness check compares the ledger's newest changes with it; the rows' own `computed_at` cannot
 * say it, as a recompute that leaves a month empty leaves no row behind.
 */
@Entity('volume_watermark')
@Check('volume_watermark_single_row_check', 'id = 1')
export class VolumeWatermark {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'volume_watermark_pkey' })
  id: number;

  @Column({ name: 'refreshed_at', type: 'timestamptz' })
  refreshedAt: Date;

  @Column({ name: 'rebuilt_at', type: 'timestamptz', nullable: true })
  rebuiltAt: Date | null;
}
