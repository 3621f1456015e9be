import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Base } from '#yizhi/bases';
import { Listing, Need } from '#yizhi/catalog';
import { Money, moneyTransformer } from '#yizhi/core';
import { Field } from '#yizhi/fields';
import { Organization, User } from '#yizhi/identity';
import { Lead } from '#yizhi/leads';
import { DealCategory, DealStatus, DealVerification } from './deal-status.js';

/** 登记编号: 14–24 digits or capital letters. */
export const REGISTRATION_NO = /^[0-9A-Z]{14,24}$/;

/**
 * A technology transaction (技术交易): the ledger entry the targets are measured on. Three amounts,
 * never confused: the contract amount (合同成交额), the certified technology-transaction amount
 * (技术交易额, at most the contract amount) and the amount received (实际到账, the sum of the
 * payments, at most the contract amount). Versioned: every change adds one to `version`, and a
 * PATCH must name the version it read (If-Match).
 */
@Entity('deal')
@Check('deal_tech_transaction_amount_check', 'tech_transaction_amount <= contract_amount')
@Check('deal_received_amount_check', 'received_amount <= contract_amount')
@Check('deal_parties_check', 'seller_organization_id <> buyer_organization_id')
@Check('deal_registration_no_check', `registration_no ~ '${REGISTRATION_NO.source}'`)
@Check('deal_verification_reason_check', "(verification = 'unverified') = (verification_reason IS NULL)")
// Unique among the deals that count; a cancelled deal's number may come back (and is flagged as an anomaly).
@Index('deal_registration_no_key', ['registrationNo'], { unique: true, where: "registration_no IS NOT NULL AND status <> 'cancelled'" })
@Index('deal_registration_no_idx', ['registrationNo'])
// The anomaly rules look for deals of the same two parties around a date.
@Index('deal_parties_idx', ['sellerOrganizationId', 'buyerOrganizationId', 'signedAt'])
// A lead becomes at most one deal.
@Index('deal_lead_key', ['leadId'], { unique: true, where: 'lead_id IS NOT NULL' })
// GET /deals, newest first, for each kind of caller: a base's operators, either party, an admin.
@Index('deal_base_idx', ['baseId', 'createdAt', 'id'])
@Index('deal_seller_idx', ['sellerOrganizationId', 'createdAt', 'id'])
@Index('deal_buyer_idx', ['buyerOrganizationId', 'createdAt', 'id'])
@Index('deal_created_idx', ['createdAt', 'id'])
// The volume rollups recompute a base's month: its deals signed in it.
@Index('deal_base_signed_idx', ['baseId', 'signedAt'])
// The major results start from the few major listings and find their deals.
@Index('deal_listing_idx', ['listingId'], { where: 'listing_id IS NOT NULL' })
export class Deal {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'deal_pkey' })
  id: string;

  /** The base the deal is brokered at and counted for. */
  @Column({ name: 'base_id', type: 'uuid' })
  baseId: string;

  @ManyToOne(() => Base, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'base_id', foreignKeyConstraintName: 'deal_base_id_fkey' })
  base?: Base;

  @Column({ name: 'seller_organization_id', type: 'uuid' })
  sellerOrganizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'seller_organization_id', foreignKeyConstraintName: 'deal_seller_organization_id_fkey' })
  sellerOrganization?: Organization;

  @Column({ name: 'buyer_organization_id', type: 'uuid' })
  buyerOrganizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'buyer_organization_id', foreignKeyConstraintName: 'deal_buyer_organization_id_fkey' })
  buyerOrganization?: Organization;

  /** 合同名称. */
  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ name: 'listing_id', type: 'uuid', nullable: true })
  listingId: string | null;

  @ManyToOne(() => Listing, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'listing_id', foreignKeyConstraintName: 'deal_listing_id_fkey' })
  listing?: Listing | null;

  @Column({ name: 'need_id', type: 'uuid', nullable: true })
  needId: string | null;

  @ManyToOne(() => Need, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'deal_need_id_fkey' })
  need?: Need | null;

  /** The lead the deal came from; that lead's dealId points back here. */
  @Column({ name: 'lead_id', type: 'uuid', nullable: true })
  leadId: string | null;

  @ManyToOne(() => Lead, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'deal_lead_id_fkey' })
  lead?: Lead | null;

  @Column({ type: 'enum', enum: DealCategory, enumName: 'deal_category' })
  category: DealCategory;

  @Column({ name: 'field', type: 'text' })
  fieldCode: string;

  @ManyToOne(() => Field, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'field', foreignKeyConstraintName: 'deal_field_fkey' })
  field?: Field;

  /** The broker (技术经理人): an operator of the base, when one is named. */
  @Column({ name: 'broker_id', type: 'uuid', nullable: true })
  brokerId: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'broker_id', foreignKeyConstraintName: 'deal_broker_id_fkey' })
  broker?: User | null;

  /** 合同成交额. */
  @Column({ name: 'contract_amount', type: 'bigint', transformer: moneyTransformer })
  contractAmount: Money;

  /** 技术交易额: the contract amount less equipment, materials and other non-technical costs. */
  @Column({ name: 'tech_transaction_amount', type: 'bigint', transformer: moneyTransformer })
  techTransactionAmount: Money;

  /** The base's service fee, when there is one. */
  @Column({ name: 'service_fee', type: 'bigint', nullable: true, transformer: moneyTransformer })
  serviceFee: Money | null;

  /** 实际到账: the sum of the payments, kept with them. */
  @Column({ name: 'received_amount', type: 'bigint', default: 0, transformer: moneyTransformer })
  receivedAmount: Money;

  /** The signing date (Chongqing calendar day). */
  @Column({ name: 'signed_at', type: 'date' })
  signedAt: string;

  /** 登记编号 of the contract registration, once there is one. */
  @Column({ name: 'registration_no', type: 'text', nullable: true })
  registrationNo: string | null;

  @Column({ type: 'enum', enum: DealStatus, enumName: 'deal_status', default: DealStatus.Draft })
  status: DealStatus;

  @Column({ type: 'enum', enum: DealVerification, enumName: 'deal_verification', default: DealVerification.Unverified })
  verification: DealVerification;

  /** The admin's reason, set exactly when the deal is verified or rejected. */
  @Column({ name: 'verification_reason', type: 'text', nullable: true })
  verificationReason: string | null;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  /** Optimistic locking: one more on every change (PATCH names it in If-Match). */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'deal_created_by_id_fkey' })
  createdBy?: User;

  /** Milliseconds: a keyset key that round-trips through JavaScript dates. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One amount received on a deal (到账). Append-only: a wrong entry is corrected by an adjustment. */
@Entity('deal_payment')
@Check('deal_payment_amount_check', 'amount > 0')
@Index('deal_payment_deal_idx', ['dealId', 'receivedAt'])
// A month's payments, for the rollups of the month they were received in.
@Index('deal_payment_received_idx', ['receivedAt'])
export class DealPayment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'deal_payment_pkey' })
  id: string;

  @Column({ name: 'deal_id', type: 'uuid' })
  dealId: string;

  @ManyToOne(() => Deal, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'deal_id', foreignKeyConstraintName: 'deal_payment_deal_id_fkey' })
  deal?: Deal;

  @Column({ type: 'bigint', transformer: moneyTransformer })
  amount: Money;

  @Column({ name: 'received_at', type: 'date' })
  receivedAt: string;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'deal_payment_created_by_id_fkey' })
  createdBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}

/** Which amount an adjustment corrects. */
export enum AdjustedAmount {
  ContractAmount = 'contractAmount',
  TechTransactionAmount = 'techTransactionAmount',
  ReceivedAmount = 'receivedAmount',
}

/**
 * A correction of one of a deal's amounts, dated in an open month (`effectiveOn`). The deal's
 * recorded amounts stay as they were reported for the month they were signed in; its effective
 * amounts are the recorded ones plus its adjustments. Append-only.
 */
@Entity('deal_adjustment')
@Check('deal_adjustment_amount_check', 'amount > 0')
@Index('deal_adjustment_deal_idx', ['dealId', 'createdAt'])
// A month's adjustments, for the rollups of the month they take effect in.
@Index('deal_adjustment_effective_idx', ['effectiveOn'])
export class DealAdjustment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'deal_adjustment_pkey' })
  id: string;

  @Column({ name: 'deal_id', type: 'uuid' })
  dealId: string;

  @ManyToOne(() => Deal, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'deal_id', foreignKeyConstraintName: 'deal_adjustment_deal_id_fkey' })
  deal?: Deal;

  @Column({ type: 'enum', enum: AdjustedAmount, enumName: 'deal_adjusted_amount' })
  field: AdjustedAmount;

  /** true: the amount goes down by `amount`; false: up. */
  @Column({ type: 'boolean' })
  decrease: boolean;

  @Column({ type: 'bigint', transformer: moneyTransformer })
  amount: Money;

  @Column({ type: 'text' })
  reason: string;

  /** The (open) day the correction counts on. */
  @Column({ name: 'effective_on', type: 'date' })
  effectiveOn: string;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'deal_adjustment_created_by_id_fkey' })
  createdBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
