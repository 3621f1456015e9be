import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Declaration order is the listing order: online, then offline, then branch. */
export enum BaseKind {
  Online = 'online',
  Offline = 'offline',
  Branch = 'branch',
}

export const PROVINCES = ['重庆', '四川'] as const;
export type Province = (typeof PROVINCES)[number];

/** A place where Yizhi brokers deals: the online platform, an offline service base or a branch base. */
@Entity('base')
export class Base {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stable slug (`online`, `liangjiang`, `branch-wanzhou`); the seed keys on it. */
  @Index('base_code_key', { unique: true })
  @Column({ type: 'text' })
  code: string;

  @Index('base_name_key', { unique: true })
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'enum', enum: BaseKind, enumName: 'base_kind' })
  kind: BaseKind;

  @Column({ type: 'text' })
  province: Province;

  /** Prefecture-level city: 重庆, 成都, 绵阳 … */
  @Column({ type: 'text' })
  city: string;

  /** District or zone within the city (万州区, 两江新区), when the base serves one. */
  @Column({ type: 'text', nullable: true })
  district: string | null;

  @Column({ type: 'text', nullable: true })
  address: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
