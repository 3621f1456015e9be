import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Base } from '#yizhi/bases';
import { Money, moneyTransformer } from '#yizhi/core';
import { Program } from './program.entity.js';

/**
 * The share of a program's three targets one base is to deliver. An admin replaces a program's
 * allocations as a whole; they need not add up to the program's targets (the API flags it).
 */
@Entity('program_allocation')
@Check('program_allocation_targets_check', 'volume_target >= 0 AND enterprises_target >= 0 AND major_results_target >= 0')
export class ProgramAllocation {
  @PrimaryColumn({ name: 'program_id', type: 'uuid', primaryKeyConstraintName: 'program_allocation_pkey' })
  programId: string;

  @PrimaryColumn({ name: 'base_id', type: 'uuid', primaryKeyConstraintName: 'program_allocation_pkey' })
  baseId: string;

  @Column({ name: 'volume_target', type: 'bigint', transformer: moneyTransformer })
  volumeTarget: Money;

  @Column({ name: 'enterprises_target', type: 'integer' })
  enterprisesTarget: number;

  @Column({ name: 'major_results_target', type: 'integer' })
  majorResultsTarget: number;

  /** When this base's figures last changed (a replacement that keeps them leaves it). */
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Program, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id', foreignKeyConstraintName: 'program_allocation_program_id_fkey' })
  program?: Program;

  @ManyToOne(() => Base, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'base_id', foreignKeyConstraintName: 'program_allocation_base_id_fkey' })
  base?: Base;
}
