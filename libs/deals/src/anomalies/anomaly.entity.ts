import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '#yizhi/identity';
import { Deal } from '../deal.entity.js';

/** The rules that flag a deal for an admin's review (DESIGN.md, Anomaly). */
export enum AnomalyRule {
  /** 技术交易额 equal to the contract amount on a development contract: nothing non-technical was deducted. */
  TechEqualsContract = 'tech_equals_contract',
  /** The same two parties again within 30 days. */
  RepeatParties = 'repeat_parties',
  /** Contracts between the same parties, each under 5,000,000 yuan, that together cross it (split to avoid expert review). */
  SplitContracts = 'split_contracts',
  /** The registration number of a cancelled deal, used again. */
  DuplicateRegistration = 'duplicate_registration',
  /** A contract amount above 20× the median of its base's deals. */
  AmountOutlier = 'amount_outlier',
  /** A signing date after today. */
  FutureSigning = 'future_signing',
  /** Seller and buyer are related parties (organisations an admin put in one group). */
  RelatedParties = 'related_parties',
}

export enum AnomalyStatus {
  Open = 'open',
  Resolved = 'resolved',
}

/**
 * A flag on a deal, raised by a rule on a write or by the nightly scan. One per deal and rule: a
 * rule that fires again on a deal it already flagged (open or resolved) adds nothing, so an admin's
 * resolution stands.
 */
@Entity('anomaly')
@Index('anomaly_deal_rule_key', ['dealId', 'rule'], { unique: true })
@Index('anomaly_status_idx', ['status', 'createdAt', 'id'])
export class Anomaly {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'anomaly_pkey' })
  id: string;

  @Column({ name: 'deal_id', type: 'uuid' })
  dealId: string;

  @ManyToOne(() => Deal, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'deal_id', foreignKeyConstraintName: 'anomaly_deal_id_fkey' })
  deal?: Deal;

  @Column({ type: 'enum', enum: AnomalyRule, enumName: 'anomaly_rule' })
  rule: AnomalyRule;

  /** What the rule saw, in Chinese, for the admin. */
  @Column({ type: 'text' })
  detail: string;

  @Column({ type: 'enum', enum: AnomalyStatus, enumName: 'anomaly_status', default: AnomalyStatus.Open })
  status: AnomalyStatus;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote: string | null;

  @Column({ name: 'resolved_by_id', type: 'uuid', nullable: true })
  resolvedById: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'resolved_by_id', foreignKeyConstraintName: 'anomaly_resolved_by_id_fkey' })
  resolvedBy?: User | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
