import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What one reconciliation found: rollup rows that differed from the ledger computed afresh, with
 * both figures, and the base months it recomputed to repair them. Kept apart from the deals'
 * anomalies, which are one flag per deal and rule (anomaly.deal_id is required, and the anomaly
 * list joins each flag to its deal); a mismatch of the rollups belongs to no deal.
 */
@Entity('volume_finding')
@Index('volume_finding_created_idx', ['createdAt', 'id'])
export class VolumeFinding {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'volume_finding_pkey' })
  id: string;

  /** The finding in Chinese, naming the base months, for the admin. */
  @Column({ type: 'text' })
  detail: string;

  /** The base months recomputed: `[{ baseId, month: "YYYY-MM" }]`. */
  @Column({ type: 'jsonb' })
  cells: unknown;

  /** The differing rows with both figures (VolumeDifference), at most RECONCILE_LIMITS.storedDifferences of them. */
  @Column({ type: 'jsonb' })
  differences: unknown;

  /** How many rows differed, stored or not. */
  @Column({ name: 'difference_count', type: 'integer' })
  differenceCount: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
