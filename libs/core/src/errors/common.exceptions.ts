import { DomainException, type FieldError } from './domain.exception.js';
import { ErrorCode } from './error-code.js';

export class ValidationFailedException extends DomainException {
  constructor(details: FieldError[], message = `Invalid ${[...new Set(details.map((d) => d.field))].join(', ')}`) {
    super(ErrorCode.ValidationFailed, 400, message, details);
  }

  static field(field: string, message: string): ValidationFailedException {
    return new ValidationFailedException([{ field, message }], `${field}: ${message}`);
  }
}

/** 404 for anything that does not exist or that the caller may not see: ids cannot be probed. */
export class NotFoundException extends DomainException {
  constructor(entity: string, id: string) {
    super(ErrorCode.NotFound, 404, `${entity} ${id} not found`);
  }
}

export class ForbiddenException extends DomainException {
  constructor(message = 'You are not allowed to do this') {
    super(ErrorCode.Forbidden, 403, message);
  }
}

export class UnauthenticatedException extends DomainException {
  constructor(message = 'Authentication required', code: string = ErrorCode.Unauthenticated) {
    super(code, 401, message);
  }
}

export class RateLimitedException extends DomainException {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RateLimited, 429, message, [], { 'retry-after': String(Math.max(1, retryAfterSeconds)) });
  }
}
