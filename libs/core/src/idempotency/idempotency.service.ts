import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { IDEMPOTENCY_TTL_HOURS, IdempotencyException, type IdempotencyClaim, type IdempotentResult } from './idempotency.js';

/**
 * Runs an operation once per idempotency key. The key's row is inserted in the operation's own
 * transaction, before the effect: a concurrent request with the same key blocks on that insert
 * until the first commits (then replays its response, or gets 409 for another request) or rolls
 * back (then takes the key and runs). So one key gives at most one effect, and a refused or
 * failed request leaves the key free for a retry.
 */
@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `work` in a transaction, its result answered with `status`; replayed when `claim`'s key already ran. */
  transaction<T>(
    claim: IdempotencyClaim | null,
    status: number,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<IdempotentResult<T>> {
    return this.dataSource.transaction(async (manager) => {
      if (claim) {
        const earlier = await this.claim(manager, claim);
        if (earlier) return earlier as IdempotentResult<T>;
      }
      const body = await work(manager);
      if (claim) {
        await manager.query('UPDATE idempotency_key SET status_code = $3, body = $4 WHERE scope = $1 AND key = $2', [
          claim.scope,
          claim.key,
          status,
          JSON.stringify(body),
        ]);
      }
      return { status, body, replayed: false };
    });
  }

  /** Takes the key (null), or returns the response stored under it; a key past its lifetime is taken afresh. */
  private async claim(manager: EntityManager, claim: IdempotencyClaim): Promise<IdempotentResult<unknown> | null> {
    const taken = (await manager.query(
      `INSERT INTO idempotency_key AS k (scope, key, fingerprint, status_code, body) VALUES ($1, $2, $3, 0, 'null')
       ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status_code = 0, body = 'null', created_at = now()
         WHERE k.created_at < now() - make_interval(hours => $4)
       RETURNING 1`,
      [claim.scope, claim.key, claim.fingerprint, IDEMPOTENCY_TTL_HOURS],
    )) as unknown[];
    if (taken.length) return null;
    const [stored] = (await manager.query('SELECT fingerprint, status_code, body FROM idempotency_key WHERE scope = $1 AND key = $2', [
      claim.scope,
      claim.key,
    ])) as { fingerprint: string; status_code: number; body: unknown }[];
    if (stored.fingerprint !== claim.fingerprint) throw IdempotencyException.reused();
    return { status: stored.status_code, body: stored.body, replayed: true };
  }

  /** Drops keys past their lifetime (the hourly purge job). */
  async purgeExpired(): Promise<number> {
    const [, deleted] = (await this.dataSource.query('DELETE FROM idempotency_key WHERE created_at < now() - make_interval(hours => $1)', [
      IDEMPOTENCY_TTL_HOURS,
    ])) as [unknown, number];
    return deleted;
  }
}
