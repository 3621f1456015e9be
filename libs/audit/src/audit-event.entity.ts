import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonValue } from '#yizhi/core';

/**
 * One change of one resource, in an append-only chain: `hash` is SHA-256 over `prev_hash` (the
 * previous event's hash) and the canonical JSON of the other columns, so that editing, deleting
 * or reordering any event shows in `AuditService.verify`. A trigger refuses UPDATE, DELETE and
 * TRUNCATE; only `AuditService.record` inserts.
 */
@Entity('audit_event')
// An entity's history, oldest to newest (GET /audit?entity=&entityId=).
@Index('audit_event_entity_entity_id_seq_idx', ['entity', 'entityId', 'seq'])
// All events of one kind of resource by seq (GET /audit?entity=) without sorting every one of them.
@Index('audit_event_entity_seq_idx', ['entity', 'seq'])
export class AuditEvent {
  /** Position in the chain; a bigint, hence a string. Taken under the chain lock, so seq order is chain order. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'audit_event_pkey' })
  seq: string;

  /** Set by AuditService from the database clock at millisecond precision (what a Date holds), never defaulted. */
  @Column({ type: 'timestamptz' })
  at: Date;

  /** The user who made the change; null for the system (a scheduled job). No foreign key: the trail outlives users. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  /** The actor's role at the time, which may change later. */
  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: string | null;

  /** `<entity>.<verb>`: `listing.submit`, `deal.verify`. */
  @Column({ type: 'text' })
  action: string;

  /** One of AUDIT_ENTITY_NAMES. */
  @Column({ type: 'text' })
  entity: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  /** The resource before the change; null when it was created. */
  @Column({ type: 'jsonb', nullable: true })
  before: JsonValue;

  /** The resource after the change; null when it was deleted. */
  @Column({ type: 'jsonb', nullable: true })
  after: JsonValue;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Index('audit_event_hash_key', { unique: true })
  @Column({ type: 'char', length: 64 })
  hash: string;
}
