import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Base } from '#yizhi/bases';
import { Organization, User } from '#yizhi/identity';

/** What a base did for an enterprise (DESIGN.md). */
export enum ServiceKind {
  Consulting = 'consulting',
  Matching = 'matching',
  Training = 'training',
  Policy = 'policy',
  Financing = 'financing',
  Other = 'other',
}

export const SERVICE_KIND_NAMES: Readonly<Record<ServiceKind, string>> = {
  [ServiceKind.Consulting]: '咨询',
  [ServiceKind.Matching]: '对接',
  [ServiceKind.Training]: '培训',
  [ServiceKind.Policy]: '政策',
  [ServiceKind.Financing]: '融资',
  [ServiceKind.Other]: '其他',
};

/**
 * A base served an enterprise (服务记录) on a day. "Enterprises served" counts organisations, which
 * are unique by credit code: one served by three bases counts once overall and once per base.
 */
@Entity('service_record')
@Index('service_record_base_idx', ['baseId', 'createdAt', 'id'])
@Index('service_record_created_idx', ['createdAt', 'id'])
@Index('service_record_enterprise_idx', ['enterpriseOrganizationId', 'servedAt'])
export class ServiceRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'service_record_pkey' })
  id: string;

  @Column({ name: 'base_id', type: 'uuid' })
  baseId: string;

  @ManyToOne(() => Base, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'base_id', foreignKeyConstraintName: 'service_record_base_id_fkey' })
  base?: Base;

  @Column({ name: 'enterprise_organization_id', type: 'uuid' })
  enterpriseOrganizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enterprise_organization_id', foreignKeyConstraintName: 'service_record_enterprise_organization_id_fkey' })
  enterpriseOrganization?: Organization;

  @Column({ type: 'enum', enum: ServiceKind, enumName: 'service_kind' })
  kind: ServiceKind;

  @Column({ name: 'served_at', type: 'date' })
  servedAt: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'service_record_created_by_id_fkey' })
  createdBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
