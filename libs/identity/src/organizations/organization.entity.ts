import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum OrganizationKind {
  Enterprise = 'enterprise',
  Institute = 'institute',
}

export enum OrganizationStatus {
  Pending = 'pending',
  Verified = 'verified',
  Rejected = 'rejected',
}

/** An enterprise (企业) or a research institute (高校/科研院所), identified by its credit code. */
@Entity('organization')
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'enum', enum: OrganizationKind, enumName: 'organization_kind' })
  kind: OrganizationKind;

  @Index('organization_credit_code_key', { unique: true })
  @Column({ name: 'credit_code', type: 'char', length: 18 })
  creditCode: string;

  /** A place name as people write it: 重庆, 重庆市渝北区, 四川省成都市. */
  @Column({ type: 'text' })
  region: string;

  @Column({ type: 'enum', enum: OrganizationStatus, enumName: 'organization_status', default: OrganizationStatus.Pending })
  status: OrganizationStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  /**
   * Related parties (关联方): organisations an admin put in the same group (a group company, a
   * university and its spin-off). A credit-code prefix is not enough to tell; this is explicit.
   */
  @Index('organization_related_party_group_idx', { where: 'related_party_group IS NOT NULL' })
  @Column({ name: 'related_party_group', type: 'text', nullable: true })
  relatedPartyGroup: string | null;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
