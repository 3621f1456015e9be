import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from '#yizhi/core';

/** `prev_hash` of the first event: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's hash covers: every column but the two hashes, as stored. */
export interface AuditContent {
  /** Included so that an event cannot be moved to another place in the chain. */
  seq: string;
  /** Millisecond precision, as a JavaScript Date holds it, so that what is stored is what was hashed. */
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: JsonValue;
  after: JsonValue;
}

/**
 * `sha256_hex(prevHash + canonicalJson(content))`, with `at` as its ISO string. Changing what goes
 * in here invalidates every chain already stored: the golden vector in the spec guards it.
 */
export function auditHash(prevHash: string, content: AuditContent): string {
  const hashed = {
    seq: content.seq,
    at: content.at.toISOString(),
    actorId: content.actorId,
    actorRole: content.actorRole,
    action: content.action,
    entity: content.entity,
    entityId: content.entityId,
    before: content.before,
    after: content.after,
  };
  return createHash('sha256')
    .update(prevHash + canonicalJson(hashed), 'utf8')
    .digest('hex');
}
