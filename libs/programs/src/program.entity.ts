import { Check, Column, CreateDateColumn, Entity, Exclusion, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Money, moneyTransformer } from '#yizhi/core';

/** Which deal amount a program's volume target measures. */
export enum VolumeMeasure {
  TechTransactionAmount = 'techTransactionAmount',
  ContractAmount = 'contractAmount',
}

/**
 * A multi-year plan with its three targets (volume, enterprises served, major results). Plans
 * follow one another: no two cover the same day (both ends inclusive), which the exclusion
 * constraint holds even against two admins creating plans at once.
 */
@Entity('program')
@Check('program_dates_check', 'ends_on > starts_on')
@Exclusion('program_dates_excl', `USING gist (daterange("starts_on", "ends_on", '[]') WITH &&)`)
export class Program {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stable slug such as `2021-2026`; the seed keys on it. */
  @Index('program_code_key', { unique: true })
  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn: string;

  @Column({ name: 'ends_on', type: 'date' })
  endsOn: string;

  @Column({ name: 'volume_target', type: 'bigint', transformer: moneyTransformer })
  volumeTarget: Money;

  @Column({
    name: 'volume_measure',
    type: 'enum',
    enum: VolumeMeasure,
    enumName: 'volume_measure',
    default: VolumeMeasure.TechTransactionAmount,
  })
  volumeMeasure: VolumeMeasure;

  @Column({ name: 'enterprises_target', type: 'integer' })
  enterprisesTarget: number;

  @Column({ name: 'major_results_target', type: 'integer' })
  majorResultsTarget: number;

  /** Milliseconds, as a Date holds them, so that the newest-first cursor compares exactly. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
