/**
 * Stable, machine-readable error codes shared by every domain. Domains add their own codes in
 * their exception files; clients switch on `code`, never on `message`.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedJson = 'MALFORMED_JSON',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  AlreadyExists = 'ALREADY_EXISTS',
  RuleViolated = 'RULE_VIOLATED',
  PreconditionRequired = 'PRECONDITION_REQUIRED',
  RateLimited = 'RATE_LIMITED',
  Overloaded = 'OVERLOADED',
  /** A backing service (Redis) cannot be reached: retry later. */
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_ERROR',
}
