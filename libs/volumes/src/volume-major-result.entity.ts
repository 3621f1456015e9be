import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A major result transferred (重大成果落地转化): a listing flagged major with a counting deal of
 * category transfer or licence whose buyer is in Chongqing (its region starts with 重庆). One row
 * per listing, for its earliest such deal (by signing date, then id); it counts for that deal's
 * base and month. Derived from the ledger, like VolumeCell.
 */
@Entity('volume_major_result')
@Check('volume_major_result_month_check', 'EXTRACT(DAY FROM month) = 1')
export class VolumeMajorResult {
  @PrimaryColumn({ name: 'listing_id', type: 'uuid', primaryKeyConstraintName: 'volume_major_result_pkey' })
  listingId: string;

  @Column({ name: 'base_id', type: 'uuid' })
  baseId: string;

  /** The first day of the month the deal was signed in. */
  @Column({ type: 'date' })
  month: string;

  @Column({ name: 'deal_id', type: 'uuid' })
  dealId: string;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt: Date;
}
