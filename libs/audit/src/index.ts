/** The append-only, hash-chained audit trail that every state change writes to, in the transaction of the change. */
export * from './audit-entity-name.js';
export * from './audit-hash.js';
export * from './chain-verifier.js';
export * from './audit-event.entity.js';
export * from './audit-chain-head.entity.js';
export * from './audit.exception.js';
export * from './audit.service.js';
export * from './audit.module.js';
export * from './dto/audit.dto.js';
