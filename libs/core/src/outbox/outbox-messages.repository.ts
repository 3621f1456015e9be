import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity.js';

/** A claimed row, as the relay needs it. */
export interface PendingMessage {
  id: string;
  queue: string;
  jobName: string;
  payload: unknown;
}

export interface OutboxBacklog {
  /** Rows not dispatched yet, including those waiting out a retry delay. */
  pending: number;
  /** Age of the oldest of them; null when there are none. */
  oldestAgeSeconds: number | null;
}

/** Every query on `outbox_message`. */
@Injectable()
export class OutboxMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts through the caller's manager, so the row commits or rolls back with its transaction.
   * A row with a given id that already exists is left as it is (the same keyed job, enqueued again).
   */
  async insert(manager: EntityManager, message: Pick<PendingMessage, 'queue' | 'jobName' | 'payload'> & { id?: string }): Promise<string> {
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO outbox_message (id, queue, job_name, payload) VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4::jsonb)
       ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id RETURNING id`,
      // Stringified: node-postgres would turn a top-level array into a PostgreSQL array, not JSON.
      [message.id ?? null, message.queue, message.jobName, JSON.stringify(message.payload)],
    );
    return row.id;
  }

  /**
   * Runs `work` in one transaction on up to `limit` due rows, oldest first, locked until it
   * returns. Rows another relay holds are skipped rather than waited for, so relays never
   * block each other and never take the same row.
   */
  claimDue<T>(limit: number, work: (rows: PendingMessage[], manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const rows: PendingMessage[] = await manager.query(
        `SELECT id, queue, job_name AS "jobName", payload FROM outbox_message
         WHERE dispatched_at IS NULL AND available_at <= now()
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      return work(rows, manager);
    });
  }

  async markDispatched(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query('UPDATE outbox_message SET dispatched_at = now() WHERE id = ANY($1::uuid[])', [ids]);
  }

  /**
   * Counts a failed add and pushes each row back by its own exponential delay (base × 2^attempts
   * so far, capped), from the clock rather than the transaction start, since the add may have
   * taken seconds.
   */
  async markFailed(manager: EntityManager, ids: string[], error: string, retry: { baseMs: number; maxMs: number }): Promise<void> {
    await manager.query(
      `UPDATE outbox_message
       SET attempts = attempts + 1,
           last_error = $2,
           available_at = clock_timestamp() + least($4::float8, $3::float8 * power(2, least(attempts, 30))) * interval '1 millisecond'
       WHERE id = ANY($1::uuid[])`,
      [ids, error.slice(0, 1_000), retry.baseMs, retry.maxMs],
    );
  }

  async backlog(): Promise<OutboxBacklog> {
    const [row]: OutboxBacklog[] = await this.dataSource.query(
      `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float8 AS "oldestAgeSeconds"
       FROM outbox_message WHERE dispatched_at IS NULL`,
    );
    return row;
  }

  /** Deletes rows dispatched more than `days` days ago (by the database clock); returns how many. */
  async deleteDispatchedOlderThan(days: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OutboxMessage)
      .where('dispatched_at < now() - make_interval(days => :days)', { days })
      .execute();
    return result.affected ?? 0;
  }
}
