import { DomainException } from '#yizhi/core';

export enum AuditErrorCode {
  NotInTransaction = 'AUDIT_NOT_IN_TRANSACTION',
  InvalidEvent = 'AUDIT_INVALID_EVENT',
  ChainHeadMissing = 'AUDIT_CHAIN_HEAD_MISSING',
}

/**
 * Misuse of the audit trail by our own code, never by a client: each is a 500, logged with its
 * stack, and the caller's transaction rolls back with it, so that no change goes unaudited.
 */
export class AuditException extends DomainException {
  private constructor(code: AuditErrorCode, message: string) {
    super(code, 500, message);
  }

  static notInTransaction(): AuditException {
    return new AuditException(
      AuditErrorCode.NotInTransaction,
      'AuditService.record needs the EntityManager of the transaction that makes the change',
    );
  }

  static invalidEvent(problem: string): AuditException {
    return new AuditException(AuditErrorCode.InvalidEvent, `Invalid audit event: ${problem}`);
  }

  static chainHeadMissing(): AuditException {
    return new AuditException(AuditErrorCode.ChainHeadMissing, 'The audit_chain_head row is missing: the migrations create it');
  }
}
