import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Money, moneyTransformer } from '#yizhi/core';
import { Program } from './program.entity.js';

/**
 * A cumulative target a program sets for a date within it (the end of a plan year, usually):
 * what should be reached by `year_end`. Progress follows a program's milestones, when it has
 * any, rather than a straight line from start to end.
 */
@Entity('program_milestone')
@Check('program_milestone_targets_check', 'volume_target >= 0 AND enterprises_target >= 0 AND major_results_target >= 0')
export class ProgramMilestone {
  @PrimaryColumn({ name: 'program_id', type: 'uuid', primaryKeyConstraintName: 'program_milestone_pkey' })
  programId: string;

  /** The date by which the targets are due. */
  @PrimaryColumn({ name: 'year_end', type: 'date', primaryKeyConstraintName: 'program_milestone_pkey' })
  yearEnd: string;

  @Column({ name: 'volume_target', type: 'bigint', transformer: moneyTransformer })
  volumeTarget: Money;

  @Column({ name: 'enterprises_target', type: 'integer' })
  enterprisesTarget: number;

  @Column({ name: 'major_results_target', type: 'integer' })
  majorResultsTarget: number;

  @ManyToOne(() => Program, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id', foreignKeyConstraintName: 'program_milestone_program_id_fkey' })
  program?: Program;
}
