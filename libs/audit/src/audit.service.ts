import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Page, type Principal, toJsonValue } from '#yizhi/core';
import { AuditEvent } from './audit-event.entity.js';
import { isAuditEntityName, type AuditEntityName } from './audit-entity-name.js';
import { AuditEventsRepository, type AuditEventFilter } from './audit-events.repository.js';
import { AuditException } from './audit.exception.js';
import { auditHash } from './audit-hash.js';
import { ChainVerifier, type ChainVerification } from './chain-verifier.js';

/** What a change is, as its author knows it; the service adds seq, time and hashes. */
export interface AuditEventInput {
  /** Who made the change; null for the system (a scheduled job). */
  actor: Principal | null;
  /** `<entity>.<verb>`, lower case: `listing.submit`, `deal.verify`. */
  action: string;
  entity: AuditEntityName;
  entityId: string;
  /** The resource before the change (null on creation), as JSON: Dates, Money and bigints are converted. */
  before: unknown;
  /** The resource after the change (null on deletion). */
  after: unknown;
}

const ACTION = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;

/** Events per query while verifying: bounded memory whatever the length of the chain. */
export const VERIFY_BATCH_SIZE = 1_000;

/** The append-only, hash-chained audit trail. */
@Injectable()
export class AuditService {
  constructor(private readonly events: AuditEventsRepository) {}

  /**
   * Appends one event inside the caller's transaction, so that it commits or rolls back with the
   * change it describes. It locks the chain head until that transaction ends, serialising every
   * audited write: call it last, after the change's own writes, to hold the lock briefly and to
   * take locks in one order (rows, then the head) everywhere. Under REPEATABLE READ or
   * SERIALIZABLE, a concurrent append makes it fail with a serialisation error (40001): retry the
   * transaction.
   */
  async record(manager: EntityManager, input: AuditEventInput): Promise<AuditEvent> {
    checkInput(manager, input);
    const locked = await this.events.lockHeadAndAllocate(manager, 1);
    if (!locked) throw AuditException.chainHeadMissing();
    const [{ seq, at }] = locked.slots;
    const event = chained(input, seq, at, locked.head.lastHash);
    await this.events.append(manager, event);
    return event;
  }

  /**
   * Appends several events, in order, as record() would one by one, but in two statements
   * whatever their number (lock the head and allocate, append): a writer with many events (a deal
   * and its anomaly flags, an import) holds the chain's lock for less time.
   */
  async recordMany(manager: EntityManager, inputs: readonly AuditEventInput[]): Promise<AuditEvent[]> {
    if (inputs.length === 0) return [];
    if (inputs.length === 1) return [await this.record(manager, inputs[0])];
    for (const input of inputs) checkInput(manager, input);
    const locked = await this.events.lockHeadAndAllocate(manager, inputs.length);
    if (!locked) throw AuditException.chainHeadMissing();
    const { head, slots } = locked;
    let prevHash = head.lastHash;
    const events = inputs.map((input, i) => {
      const event = chained(input, slots[i].seq, slots[i].at, prevHash);
      prevHash = event.hash;
      return event;
    });
    await this.events.appendMany(manager, events);
    return events;
  }

  /** An entity's events, newest first. */
  list(filter: AuditEventFilter): Promise<Page<AuditEvent>> {
    return this.events.list(filter);
  }

  /**
   * Walks the whole chain in seq order, VERIFY_BATCH_SIZE events at a time, recomputing every hash
   * from the stored columns and checking every link; stops at the first broken event.
   */
  verify(): Promise<ChainVerification> {
    return this.events.snapshot(async (manager) => {
      const head = await this.events.head(manager);
      if (!head) throw AuditException.chainHeadMissing();
      const verifier = new ChainVerifier(head);
      let after = '0';
      for (;;) {
        const batch = await this.events.batchAfter(manager, after, VERIFY_BATCH_SIZE);
        if (!batch.every((event) => verifier.accept(event))) break;
        if (batch.length < VERIFY_BATCH_SIZE) break;
        after = batch[batch.length - 1].seq;
      }
      return verifier.result();
    });
  }
}

/** The checks of an event before it takes the chain's lock. */
function checkInput(manager: EntityManager, input: AuditEventInput): void {
  if (!manager.queryRunner?.isTransactionActive) throw AuditException.notInTransaction();
  if (!isAuditEntityName(input.entity)) throw AuditException.invalidEvent(`unknown entity "${String(input.entity)}"`);
  if (!ACTION.test(input.action)) throw AuditException.invalidEvent(`action "${input.action}" is not of the form entity.verb`);
  if (typeof input.entityId !== 'string' || input.entityId === '') throw AuditException.invalidEvent('entityId is empty');
}

/** The event at `seq`, linked to `prevHash` and hashed. */
function chained(input: AuditEventInput, seq: string, at: Date, prevHash: string): AuditEvent {
  const event = Object.assign(new AuditEvent(), {
    seq,
    at,
    // The uuid column prints lower case; hash what it will give back.
    actorId: input.actor?.userId.toLowerCase() ?? null,
    actorRole: input.actor?.role ?? null,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId,
    before: toJsonValue(input.before),
    after: toJsonValue(input.after),
    prevHash,
  });
  event.hash = auditHash(event.prevHash, event);
  return event;
}
