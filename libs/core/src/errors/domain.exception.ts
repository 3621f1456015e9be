export interface FieldError {
  field: string;
  message: string;
}

/** HTTP statuses a domain exception may map to; the global filter turns them into responses. */
export type DomainStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 428 | 429 | 500 | 503;

/**
 * Base class of every exception a domain throws on purpose. It carries a stable `code`, the
 * status to answer with, and optional per-field details. Domains subclass it with their own codes.
 */
export class DomainException extends Error {
  constructor(
    readonly code: string,
    readonly status: DomainStatus,
    message: string,
    readonly details: FieldError[] = [],
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
    /** Members the response adds to the error shape, for a route whose refusal carries a report (the import's rejected rows). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
