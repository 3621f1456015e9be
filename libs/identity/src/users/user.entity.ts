import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Base } from '#yizhi/bases';
import { Role } from '#yizhi/core';
import { Organization } from '../organizations/organization.entity.js';

/**
 * A person who signs in. Enterprise and institute users belong to an organisation, operators to
 * a base, admins to neither; the check constraint holds that invariant in the database too.
 */
@Entity('user')
@Check(
  'user_affiliation_check',
  `(role IN ('enterprise', 'institute') AND organization_id IS NOT NULL AND base_id IS NULL)
   OR (role = 'operator' AND base_id IS NOT NULL AND organization_id IS NULL)
   OR (role = 'admin' AND organization_id IS NULL AND base_id IS NULL)`,
)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased; unique. */
  @Index('user_email_key', { unique: true })
  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  role: Role;

  @Index('user_organization_id_idx')
  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId: string | null;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'user_organization_id_fkey' })
  organization?: Organization | null;

  /** The base an operator works at. */
  @Index('user_base_id_idx')
  @Column({ name: 'base_id', type: 'uuid', nullable: true })
  baseId: string | null;

  @ManyToOne(() => Base, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'base_id', foreignKeyConstraintName: 'user_base_id_fkey' })
  base?: Base | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
