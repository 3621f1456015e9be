import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The first response to a request sent with an `Idempotency-Key`, kept for 24 hours so that a
 * retry replays it instead of repeating the effect. The row is written in the transaction of the
 * effect: it exists exactly when the effect committed.
 */
@Entity('idempotency_key')
@Index('idempotency_key_created_idx', ['createdAt'])
export class IdempotencyKey {
  /** Whose key: the caller's user id (two clients may pick the same key). */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'idempotency_key_pkey' })
  scope: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'idempotency_key_pkey' })
  key: string;

  /** SHA-256 of the method, the path and the canonical JSON of the body: the same key with another request is a 409. */
  @Column({ type: 'text' })
  fingerprint: string;

  @Column({ name: 'status_code', type: 'smallint' })
  statusCode: number;

  /** json, not jsonb: the replay is the first response byte for byte (jsonb would reorder its keys). */
  @Column({ type: 'json' })
  body: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
