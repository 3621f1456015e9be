import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A job waiting to be handed to BullMQ. It is written in the transaction of the state change that
 * causes it, so the job exists exactly when the change does; the worker's relay adds it to its
 * queue with the row id as the BullMQ job id, then sets `dispatched_at`.
 */
@Entity('outbox_message')
// What the relay claims: undispatched rows that are due, oldest first.
@Index('outbox_message_pending_idx', ['availableAt', 'createdAt'], { where: 'dispatched_at IS NULL' })
export class OutboxMessage {
  /** Also the BullMQ job id: a uuid is neither an integer nor contains ':', which BullMQ refuses in custom ids. */
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'outbox_message_pkey' })
  id: string;

  /** One of QueueName. */
  @Column({ type: 'text' })
  queue: string;

  /** One of JobName. */
  @Column({ name: 'job_name', type: 'text' })
  jobName: string;

  @Column({ type: 'jsonb' })
  payload: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  /** Not before this time: pushed back after each failed add. */
  @Column({ name: 'available_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  availableAt: Date;

  /** Failed adds so far. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'dispatched_at', type: 'timestamptz', precision: 3, nullable: true })
  dispatchedAt: Date | null;
}
