import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { canonicalJson, decodeCursor, type Page, toPage, ValidationFailedException } from '#yizhi/core';
import { AuditEvent } from './audit-event.entity.js';
import type { ChainHead } from './chain-verifier.js';

export interface AuditEventFilter {
  entity: string;
  entityId?: string;
  limit: number;
  cursor?: string;
}

type AuditCursor = { seq: string };

/** A positive bigint as PostgreSQL prints it. */
const SEQ = /^[1-9]\d{0,18}$/;

const HEAD_ID = 1;

/** Every query on `audit_event` and `audit_chain_head`. Writes run on the caller's EntityManager, inside its transaction. */
@Injectable()
export class AuditEventsRepository {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The chain head, locked until the caller's transaction ends; null if the row is missing. */
  async lockHead(manager: EntityManager): Promise<ChainHead | null> {
    const rows: ChainHead[] = await manager.query(
      'SELECT last_seq::text AS "lastSeq", last_hash AS "lastHash" FROM audit_chain_head WHERE id = $1 FOR UPDATE',
      [HEAD_ID],
    );
    return rows[0] ?? null;
  }

  /**
   * The next seq and the time of the event, read only once the head is locked: seq order is then
   * chain order, and `at` does not depend on which API process's clock recorded it.
   */
  async allocate(manager: EntityManager): Promise<{ seq: string; at: Date }> {
    const [row]: { seq: string; at: Date }[] = await manager.query(
      `SELECT nextval(pg_get_serial_sequence('audit_event', 'seq'))::text AS seq, date_trunc('milliseconds', clock_timestamp()) AS at`,
    );
    return row;
  }

  /** Inserts the event and moves the head to it, in one statement. */
  async append(manager: EntityManager, event: AuditEvent): Promise<void> {
    await manager.query(
      `WITH appended AS (
         INSERT INTO audit_event (seq, at, actor_id, actor_role, action, entity, entity_id, "before", "after", prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11)
         RETURNING seq, hash
       )
       UPDATE audit_chain_head SET last_seq = appended.seq, last_hash = appended.hash FROM appended WHERE audit_chain_head.id = $12`,
      [
        event.seq,
        event.at.toISOString(),
        event.actorId,
        event.actorRole,
        event.action,
        event.entity,
        event.entityId,
        // SQL NULL rather than a jsonb 'null': both read back as null, and NULL is what `IS NULL` finds.
        event.before === null ? null : canonicalJson(event.before),
        event.after === null ? null : canonicalJson(event.after),
        event.prevHash,
        event.hash,
        HEAD_ID,
      ],
    );
  }

  /** Keyset page, newest first (seq descending). */
  async list(filter: AuditEventFilter): Promise<Page<AuditEvent>> {
    const query = this.events
      .createQueryBuilder('e')
      .where('e.entity = :entity', { entity: filter.entity })
      .orderBy('e.seq', 'DESC')
      .limit(filter.limit + 1);
    if (filter.entityId !== undefined) query.andWhere('e.entityId = :entityId', { entityId: filter.entityId });
    if (filter.cursor) {
      const after = decodeCursor<AuditCursor>(filter.cursor, { seq: 'string' });
      if (!SEQ.test(after.seq)) throw ValidationFailedException.field('cursor', 'is not a cursor this API issued');
      query.andWhere('e.seq < CAST(:seq AS bigint)', { seq: after.seq });
    }
    const rows = await query.getMany();
    return toPage(
      rows,
      filter.limit,
      (e) => ({ seq: e.seq }),
      (e) => e,
    );
  }

  /**
   * Runs `read` in one REPEATABLE READ, read-only transaction, so that the head and every batch
   * come from the same snapshot while appends carry on.
   */
  snapshot<T>(read: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return read(manager);
    });
  }

  async head(manager: EntityManager): Promise<ChainHead | null> {
    const rows: ChainHead[] = await manager.query(
      'SELECT last_seq::text AS "lastSeq", last_hash AS "lastHash" FROM audit_chain_head WHERE id = $1',
      [HEAD_ID],
    );
    return rows[0] ?? null;
  }

  /** The next `size` events after `afterSeq`, in seq order. */
  batchAfter(manager: EntityManager, afterSeq: string, size: number): Promise<AuditEvent[]> {
    return manager
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.seq > CAST(:afterSeq AS bigint)', { afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(size)
      .getMany();
  }
}
