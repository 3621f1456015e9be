import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Base } from '#yizhi/bases';
import { Listing, Need } from '#yizhi/catalog';
import { Organization, User } from '#yizhi/identity';
import { LeadStatus, openLeadSql } from './lead-status.js';

/** The partial indexes below hold open leads only. */
const OPEN = openLeadSql();

/**
 * An expressed interest (意向对接) of an enterprise in a listing, routed to a base and, there, to
 * an operator: the start of the deal pipeline.
 */
@Entity('lead')
@Check('lead_close_reason_check', "(status = 'closed') = (close_reason IS NOT NULL)")
// One open lead per listing and enterprise organisation; once converted or closed, another may start.
@Index('lead_open_key', ['listingId', 'enterpriseOrganizationId'], { unique: true, where: OPEN })
// GET /leads, newest first, for each kind of caller: the enterprise, the listing's owner, a base's operators, an admin.
@Index('lead_enterprise_idx', ['enterpriseOrganizationId', 'createdAt', 'id'])
@Index('lead_owner_idx', ['ownerOrganizationId', 'createdAt', 'id'])
@Index('lead_base_idx', ['baseId', 'createdAt', 'id'])
@Index('lead_created_idx', ['createdAt', 'id'])
// Routing counts each operator's open leads; ?overdue=true looks for open leads idle since a cutoff.
@Index('lead_operator_open_idx', ['operatorId'], { where: OPEN })
@Index('lead_open_activity_idx', ['lastActivityAt'], { where: OPEN })
export class Lead {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'lead_pkey' })
  id: string;

  @Column({ name: 'listing_id', type: 'uuid' })
  listingId: string;

  @ManyToOne(() => Listing, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'listing_id', foreignKeyConstraintName: 'lead_listing_id_fkey' })
  listing?: Listing;

  /** The enterprise's own published need the interest answers, when it named one. */
  @Column({ name: 'need_id', type: 'uuid', nullable: true })
  needId: string | null;

  @ManyToOne(() => Need, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'lead_need_id_fkey' })
  need?: Need | null;

  /** The organisation that expressed the interest (a party). */
  @Column({ name: 'enterprise_organization_id', type: 'uuid' })
  enterpriseOrganizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enterprise_organization_id', foreignKeyConstraintName: 'lead_enterprise_organization_id_fkey' })
  enterpriseOrganization?: Organization;

  /** The listing's owner (the other party), copied from the listing, whose owner never changes: visibility needs no join. */
  @Column({ name: 'owner_organization_id', type: 'uuid' })
  ownerOrganizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_organization_id', foreignKeyConstraintName: 'lead_owner_organization_id_fkey' })
  ownerOrganization?: Organization;

  /** The user who expressed the interest. */
  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'lead_created_by_id_fkey' })
  createdBy?: User;

  @Column({ name: 'base_id', type: 'uuid' })
  baseId: string;

  @ManyToOne(() => Base, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'base_id', foreignKeyConstraintName: 'lead_base_id_fkey' })
  base?: Base;

  /** The operator who brokers it; null while the base has none (its operators and the admins still see it). */
  @Column({ name: 'operator_id', type: 'uuid', nullable: true })
  operatorId: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'operator_id', foreignKeyConstraintName: 'lead_operator_id_fkey' })
  operator?: User | null;

  @Column({ type: 'enum', enum: LeadStatus, enumName: 'lead_status', default: LeadStatus.New })
  status: LeadStatus;

  /** What the enterprise wrote to the listing's owner. */
  @Column({ type: 'text' })
  message: string;

  /** Why it was closed; set exactly when the status is closed. */
  @Column({ name: 'close_reason', type: 'text', nullable: true })
  closeReason: string | null;

  /** The deal a converted lead became (set when the deal is recorded with this lead). */
  @Column({ name: 'deal_id', type: 'uuid', nullable: true })
  dealId: string | null;

  // By name: #yizhi/deals imports this library, so importing the Deal class here would be a cycle.
  @ManyToOne('Deal', { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'deal_id', foreignKeyConstraintName: 'lead_deal_id_fkey' })
  deal?: unknown;

  /** The last status change, reassignment or note (creation at first): a lead idle for three working days is overdue. */
  @Column({ name: 'last_activity_at', type: 'timestamptz', precision: 3 })
  lastActivityAt: Date;

  /** Milliseconds: a keyset key that round-trips through JavaScript dates. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
