import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainException, type FieldError } from './domain.exception.js';
import { ErrorCode } from './error-code.js';
import {
  isPoolExhausted,
  PG_CHECK_VIOLATION,
  PG_FOREIGN_KEY_VIOLATION,
  PG_INVALID_TEXT_REPRESENTATION,
  PG_NUMERIC_OUT_OF_RANGE,
  PG_UNIQUE_VIOLATION,
  pgError,
} from './pg-errors.js';

/** The error shape of API.md (a DomainException may add members, never replace these). */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details: FieldError[];
  [extra: string]: unknown;
}

export interface ErrorResponse {
  body: ErrorBody;
  headers: Record<string, string>;
  /** True when this is our fault (5xx): log it with its stack. */
  unexpected: boolean;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  422: ErrorCode.RuleViolated,
  428: ErrorCode.PreconditionRequired,
  429: ErrorCode.RateLimited,
};

/** Fastify's own client errors (raised before a route handler runs). */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: ErrorCode.MalformedJson, message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: ErrorCode.MalformedJson, message: 'The request body is empty but declared as JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: ErrorCode.PayloadTooLarge, message: 'The request body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: ErrorCode.UnsupportedMediaType, message: 'Unsupported Content-Type; send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: ErrorCode.ValidationFailed, message: 'Content-Length does not match the body' },
};

function body(statusCode: number, code: string, message: string, details: FieldError[] = []): ErrorBody {
  return { statusCode, code, message, details };
}

/** "lower(display_name::text)" → "display_name": the column behind an expression index. */
const columnName = (key: string) => key.replace(/^lower\((.*)\)$/, '$1').replace(/::[a-z ]+$/, '');

/** "Key (credit_code)=(9150...) already exists." → ["credit_code"]; "Key (lower(email))=(…)" → ["email"] */
function columnsOf(detail: string | undefined): string[] {
  const match = detail?.match(/^Key \((.+?)\)=\(/);
  return match ? match[1].split(',').map((c) => columnName(c.trim())) : [];
}

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Maps anything thrown while serving a request to the API's error shape. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof DomainException) {
    return {
      body: { ...error.extra, ...body(error.status, error.code, error.message, error.details) },
      headers: error.headers,
      unexpected: error.status >= 500,
    };
  }

  if (isPoolExhausted(error)) {
    // Load, not a fault: tell the client to come back shortly rather than answer 500.
    return {
      body: body(503, ErrorCode.Overloaded, 'The service is busy; retry shortly'),
      headers: { 'retry-after': '1' },
      unexpected: false,
    };
  }

  const pg = pgError(error);
  if (pg?.code === PG_UNIQUE_VIOLATION) {
    const fields = columnsOf(pg.detail).map(camel);
    const details = fields.map((field) => ({ field, message: 'is already taken' }));
    const what = fields.length ? fields.join(', ') : 'value';
    return {
      body: body(409, ErrorCode.AlreadyExists, `A record with this ${what} already exists`, details),
      headers: {},
      unexpected: false,
    };
  }
  if (pg?.code === PG_FOREIGN_KEY_VIOLATION) {
    const details = columnsOf(pg.detail).map((c) => ({ field: camel(c), message: 'refers to something that does not exist' }));
    return { body: body(422, ErrorCode.RuleViolated, 'A referenced record does not exist', details), headers: {}, unexpected: false };
  }
  if (pg?.code === PG_CHECK_VIOLATION || pg?.code === PG_INVALID_TEXT_REPRESENTATION || pg?.code === PG_NUMERIC_OUT_OF_RANGE) {
    // The validators should have caught this first; answer as a client error, but log it.
    return { body: body(400, ErrorCode.ValidationFailed, 'The request breaks a rule of the data model'), headers: {}, unexpected: true };
  }

  // Fastify's errors reach us raw, or wrapped by Nest's adapter in an HttpException's cause.
  const fastifyError = (error instanceof HttpException ? error.cause : error) as { code?: unknown; statusCode?: number } | null | undefined;
  if (typeof fastifyError?.code === 'string' && fastifyError.code in FASTIFY_CODES) {
    const known = FASTIFY_CODES[fastifyError.code];
    return { body: body(fastifyError.statusCode ?? 400, known.code, known.message), headers: {}, unexpected: false };
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : error.message;
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed);
    return { body: body(status, code, message), headers: {}, unexpected: status >= 500 };
  }

  // Other client errors that carry a 4xx status (Fastify's own, body parsers, …).
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const message = error instanceof Error ? error.message : 'Bad request';
    return { body: body(statusCode, CODE_BY_STATUS[statusCode] ?? ErrorCode.ValidationFailed, message), headers: {}, unexpected: false };
  }

  return {
    body: body(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.Internal, 'Internal server error'),
    headers: {},
    unexpected: true,
  };
}
