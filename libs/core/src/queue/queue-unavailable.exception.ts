import { DomainException } from '../errors/domain.exception.js';
import { ErrorCode } from '../errors/error-code.js';

/** 503: Redis, and so the queues, cannot be reached right now (the caller may retry). */
export class QueueUnavailableException extends DomainException {
  constructor(reason: string) {
    super(ErrorCode.ServiceUnavailable, 503, `The job queues are unavailable (${reason}); retry shortly`, [], { 'retry-after': '5' });
  }
}
