import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An enterprise a base served in a month (服务企业), by credit code: one with a service record
 * served in the month, or the enterprise buyer of a counting deal signed in it. "Enterprises
 * served" is `count(DISTINCT credit_code)` over the rows in question, so one enterprise served by
 * two bases counts once overall and once for each base. Derived from the ledger, like VolumeCell.
 */
@Entity('volume_enterprise')
@Check('volume_enterprise_month_check', 'EXTRACT(DAY FROM month) = 1')
export class VolumeEnterprise {
  @PrimaryColumn({ name: 'base_id', type: 'uuid', primaryKeyConstraintName: 'volume_enterprise_pkey' })
  baseId: string;

  /** The first day of the month. */
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'volume_enterprise_pkey' })
  month: string;

  /** 统一社会信用代码 of the enterprise. */
  @PrimaryColumn({ name: 'credit_code', type: 'text', primaryKeyConstraintName: 'volume_enterprise_pkey' })
  creditCode: string;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt: Date;
}
