import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Money, moneyTransformer } from '#yizhi/core';

/** Which deal amount a program's volume target measures. */
export enum VolumeMeasure {
  TechTransactionAmount = 'techTransactionAmount',
  ContractAmount = 'contractAmount',
}

/** A multi-year plan with its three targets (volume, enterprises served, major results). */
@Entity('program')
@Check('program_dates_check', 'ends_on > starts_on')
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
