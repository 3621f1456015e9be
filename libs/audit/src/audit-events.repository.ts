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

  /**
   * Locks the chain head until the caller's transaction ends and, once it holds it, takes `count`
   * sequence numbers, each with its instant (milliseconds): one statement, so that the lock is held
   * for one round trip fewer. The lateral subquery reads the locked row, so it runs after the lock
   * is granted: seq order is then chain order, and `at` does not depend on which API process's
   * clock recorded it. Null if the head row is missing.
   */
  async lockHeadAndAllocate(
    manager: EntityManager,
    count: number,
  ): Promise<{ head: ChainHead; slots: { seq: string; at: Date }[] } | null> {
    const rows: { lastSeq: string; lastHash: string; seq: string; at: Date }[] = await manager.query(
      `WITH head AS MATERIALIZED (SELECT last_seq, last_hash FROM audit_chain_head WHERE id = $1 FOR UPDATE)
       SELECT h.last_seq::text AS "lastSeq", h.last_hash AS "lastHash", s.seq, s.at
         FROM head h CROSS JOIN LATERAL (
           SELECT nextval(pg_get_serial_sequence('audit_event', 'seq'))::text AS seq, date_trunc('milliseconds', clock_timestamp()) AS at,
                  h.last_seq AS after
             FROM generate_series(1, $2::int)) s`,
      [HEAD_ID, count],
    );
    if (!rows.length) return null;
    return {
      head: { lastSeq: rows[0].lastSeq, lastHash: rows[0].lastHash },
      slots: rows.map(({ seq, at }) => ({ seq, at })).sort((x, y) => (BigInt(x.seq) < BigInt(y.seq) ? -1 : 1)),
    };
  }

  /** Inserts events (already chained, in seq order) and moves the head to the last, in one statement. */
  async appendMany(manager: EntityManager, events: readonly AuditEvent[]): Promise<void> {
    const column = <T>(pick: (e: AuditEvent) => T) => events.map(pick);
    const last = events[events.length - 1];
    await manager.query(
      `WITH appended AS (
         INSERT INTO audit_event (seq, at, actor_id, actor_role, action, entity, entity_id, "before", "after", prev_hash, hash)
         SELECT e.seq, e.at, e.actor_id, e.actor_role, e.action, e.entity, e.entity_id, e.before::jsonb, e.after::jsonb, e.prev_hash, e.hash
           FROM unnest($1::bigint[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
             AS e(seq, at, actor_id, actor_role, action, entity, entity_id, before, after, prev_hash, hash)
         RETURNING seq
       )
       UPDATE audit_chain_head SET last_seq = $12, last_hash = $13 WHERE id = $14 AND (SELECT count(*) FROM appended) = $15`,
      [
        column((e) => e.seq),
        column((e) => e.at.toISOString()),
        column((e) => e.actorId),
        column((e) => e.actorRole),
        column((e) => e.action),
        column((e) => e.entity),
        column((e) => e.entityId),
        // SQL NULL rather than a jsonb 'null', as append() writes them.
        column((e) => (e.before === null ? null : canonicalJson(e.before))),
        column((e) => (e.after === null ? null : canonicalJson(e.after))),
        column((e) => e.prevHash),
        column((e) => e.hash),
        last.seq,
        last.hash,
        HEAD_ID,
        events.length,
      ],
    );
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
