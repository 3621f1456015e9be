import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { DomainException } from '../errors/domain.exception.js';
import { ValidationFailedException } from '../errors/common.exceptions.js';
import { canonicalJson } from '../json/canonical-json.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** How long a key and its first response are kept. */
export const IDEMPOTENCY_TTL_HOURS = 24;

const KEY = /^[\x21-\x7e]{1,255}$/;

/** A request's claim on a key: who sent it, the key, and what the request was. */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  fingerprint: string;
}

/** The response of an idempotent operation: the first one, or its replay. */
export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export class IdempotencyException extends DomainException {
  /** 409: the key was used for another request (another body, path or method) within its lifetime. */
  static reused(): IdempotencyException {
    return new IdempotencyException(
      'IDEMPOTENCY_KEY_REUSED',
      409,
      `This ${IDEMPOTENCY_HEADER} was used for a different request in the last ${IDEMPOTENCY_TTL_HOURS} hours; use a new key`,
      [{ field: IDEMPOTENCY_HEADER, message: 'was used for a different request' }],
    );
  }
}

/**
 * The request's `Idempotency-Key` as a claim, or null when the header is absent. A key is 1–255
 * printable ASCII characters (a UUID is the usual choice); anything else is a 400 naming the header.
 */
export function idempotencyClaim(request: {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  body?: unknown;
  user?: { userId: string };
}): IdempotencyClaim | null {
  const header = request.headers[IDEMPOTENCY_HEADER.toLowerCase()];
  if (header === undefined) return null;
  if (typeof header !== 'string' || !KEY.test(header)) {
    throw ValidationFailedException.field(IDEMPOTENCY_HEADER, 'must be 1 to 255 printable ASCII characters, such as a UUID');
  }
  if (!request.user) throw new Error('idempotencyClaim needs an authenticated route');
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
  return { scope: request.user.userId, key: header, fingerprint };
}

/** The handler's IdempotencyClaim (null without the header); documents the header too. */
export const Idempotency = createParamDecorator((_: unknown, context: ExecutionContext): IdempotencyClaim | null =>
  idempotencyClaim(context.switchToHttp().getRequest()),
);

/** The OpenAPI side of @Idempotency(). */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: IDEMPOTENCY_HEADER,
    required: false,
    description: `Makes a retry safe: the same key with the same request within ${IDEMPOTENCY_TTL_HOURS} h replays the first response (status included, with Idempotent-Replayed: true); with a different request it is a 409`,
  });
