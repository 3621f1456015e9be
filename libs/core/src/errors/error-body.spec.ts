import { describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, NotFoundException as NestNotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { RateLimitedException, ValidationFailedException } from './common.exceptions.js';
import { DomainException } from './domain.exception.js';
import { toErrorResponse } from './error-body.js';
import { ErrorCode } from './error-code.js';

function queryFailed(driver: { code: string; detail?: string; constraint?: string }): QueryFailedError {
  return new QueryFailedError('INSERT …', [], Object.assign(new Error('driver error'), driver));
}

function fastifyError(code: string, statusCode: number, message = `${code} raised`): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('toErrorResponse', () => {
  describe('domain exceptions', () => {
    it('keep their status, code, message, details and headers', () => {
      const error = new DomainException('DEAL_CLOSED', 422, 'The deal is closed', [{ field: 'dealId', message: 'is closed' }], {
        'x-deal-state': 'closed',
      });
      expect(toErrorResponse(error)).toEqual({
        body: { statusCode: 422, code: 'DEAL_CLOSED', message: 'The deal is closed', details: [{ field: 'dealId', message: 'is closed' }] },
        headers: { 'x-deal-state': 'closed' },
        unexpected: false,
      });
    });

    it('keep Retry-After on a rate limit', () => {
      const { body, headers } = toErrorResponse(new RateLimitedException('Too many attempts', 30));
      expect(body).toEqual({ statusCode: 429, code: ErrorCode.RateLimited, message: 'Too many attempts', details: [] });
      expect(headers).toEqual({ 'retry-after': '30' });
    });

    it('keep field details of a validation failure', () => {
      const { body } = toErrorResponse(ValidationFailedException.field('cursor', 'is not a cursor this API issued'));
      expect(body).toEqual({
        statusCode: 400,
        code: ErrorCode.ValidationFailed,
        message: 'cursor: is not a cursor this API issued',
        details: [{ field: 'cursor', message: 'is not a cursor this API issued' }],
      });
    });

    it('count as unexpected only with a 5xx status', () => {
      expect(toErrorResponse(new DomainException('BROKEN', 500, 'broken')).unexpected).toBe(true);
      expect(toErrorResponse(new DomainException('GONE', 404, 'gone')).unexpected).toBe(false);
    });
  });

  describe('PostgreSQL errors', () => {
    it('map a unique violation to 409 ALREADY_EXISTS naming the camel-cased field', () => {
      const error = queryFailed({
        code: '23505',
        detail: 'Key (credit_code)=(x) already exists.',
        constraint: 'organization_credit_code_key',
      });
      expect(toErrorResponse(error)).toEqual({
        body: {
          statusCode: 409,
          code: ErrorCode.AlreadyExists,
          message: 'A record with this creditCode already exists',
          details: [{ field: 'creditCode', message: 'is already taken' }],
        },
        headers: {},
        unexpected: false,
      });
    });

    // Details exactly as PostgreSQL (15) words them for expression indexes.
    it('name the column of a lower() unique key', () => {
      const error = queryFailed({ code: '23505', detail: 'Key (lower(email))=(a@b.c) already exists.' });
      expect(toErrorResponse(error).body.details).toEqual([{ field: 'email', message: 'is already taken' }]);
    });

    it('name every column of a composite key with a cast inside lower()', () => {
      const error = queryFailed({ code: '23505', detail: 'Key (base_id, lower(display_name::text))=(1, ab) already exists.' });
      expect(toErrorResponse(error).body).toEqual({
        statusCode: 409,
        code: ErrorCode.AlreadyExists,
        message: 'A record with this baseId, displayName already exists',
        details: [
          { field: 'baseId', message: 'is already taken' },
          { field: 'displayName', message: 'is already taken' },
        ],
      });
    });

    it('still answer 409 when the detail is missing', () => {
      expect(toErrorResponse(queryFailed({ code: '23505' })).body).toEqual({
        statusCode: 409,
        code: ErrorCode.AlreadyExists,
        message: 'A record with this value already exists',
        details: [],
      });
    });

    it('map a foreign-key violation to 422', () => {
      const error = queryFailed({ code: '23503', detail: 'Key (field_id)=(9) is not present in table "field".' });
      expect(toErrorResponse(error)).toEqual({
        body: {
          statusCode: 422,
          code: ErrorCode.RuleViolated,
          message: 'A referenced record does not exist',
          details: [{ field: 'fieldId', message: 'refers to something that does not exist' }],
        },
        headers: {},
        unexpected: false,
      });
    });

    it.each(['23514', '22P02', '22003'])('map %s to a logged 400', (code) => {
      expect(toErrorResponse(queryFailed({ code, detail: 'secret row data' }))).toEqual({
        body: { statusCode: 400, code: ErrorCode.ValidationFailed, message: 'The request breaks a rule of the data model', details: [] },
        headers: {},
        unexpected: true,
      });
    });

    it('answer 500 for any other SQLSTATE without leaking the query', () => {
      expect(toErrorResponse(queryFailed({ code: '40P01', detail: 'deadlock on relation "user"' }))).toEqual({
        body: { statusCode: 500, code: ErrorCode.Internal, message: 'Internal server error', details: [] },
        headers: {},
        unexpected: true,
      });
    });

    it('ignore an error that only looks like a driver error', () => {
      const lookalike = Object.assign(new Error('dup'), { code: '23505', detail: 'Key (email)=(x) already exists.' });
      expect(toErrorResponse(lookalike).body.statusCode).toBe(500);
    });
  });

  describe('Fastify errors', () => {
    it('map an invalid JSON body to 400 MALFORMED_JSON', () => {
      expect(toErrorResponse(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400))).toEqual({
        body: { statusCode: 400, code: ErrorCode.MalformedJson, message: 'The request body is not valid JSON', details: [] },
        headers: {},
        unexpected: false,
      });
    });

    it('map it the same when Nest wraps it as the cause of an HttpException', () => {
      const wrapped = new BadRequestException('Bad Request', { cause: fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400) });
      expect(toErrorResponse(wrapped)).toEqual({
        body: { statusCode: 400, code: ErrorCode.MalformedJson, message: 'The request body is not valid JSON', details: [] },
        headers: {},
        unexpected: false,
      });
    });

    it('map an empty JSON body to MALFORMED_JSON', () => {
      expect(toErrorResponse(fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400)).body).toEqual({
        statusCode: 400,
        code: ErrorCode.MalformedJson,
        message: 'The request body is empty but declared as JSON',
        details: [],
      });
    });

    it('map a body over the limit to 413 PAYLOAD_TOO_LARGE', () => {
      expect(toErrorResponse(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413))).toEqual({
        body: { statusCode: 413, code: ErrorCode.PayloadTooLarge, message: 'The request body is larger than 1 MiB', details: [] },
        headers: {},
        unexpected: false,
      });
    });

    it('map a body over the limit wrapped by Nest to 413', () => {
      const wrapped = new PayloadTooLargeException('Payload Too Large', { cause: fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413) });
      expect(toErrorResponse(wrapped).body).toEqual({
        statusCode: 413,
        code: ErrorCode.PayloadTooLarge,
        message: 'The request body is larger than 1 MiB',
        details: [],
      });
    });

    it('map an unsupported media type to 415', () => {
      expect(toErrorResponse(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).body).toEqual({
        statusCode: 415,
        code: ErrorCode.UnsupportedMediaType,
        message: 'Unsupported Content-Type; send application/json',
        details: [],
      });
    });

    it('default to 400 when the Fastify error has no status', () => {
      const error = Object.assign(new Error('bad json'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
      expect(toErrorResponse(error).body.statusCode).toBe(400);
    });

    it('pass another 4xx error through with its own status and message', () => {
      expect(toErrorResponse(fastifyError('FST_ERR_SOMETHING_ELSE', 404, 'Route GET:/x not found'))).toEqual({
        body: { statusCode: 404, code: ErrorCode.NotFound, message: 'Route GET:/x not found', details: [] },
        headers: {},
        unexpected: false,
      });
    });
  });

  describe('Nest HTTP exceptions', () => {
    it('keep their status and message, with the code for that status', () => {
      expect(toErrorResponse(new NestNotFoundException('Cannot GET /nope'))).toEqual({
        body: { statusCode: 404, code: ErrorCode.NotFound, message: 'Cannot GET /nope', details: [] },
        headers: {},
        unexpected: false,
      });
    });

    it('read a string response', () => {
      expect(toErrorResponse(new HttpException('I am a teapot', 418)).body).toEqual({
        statusCode: 418,
        code: ErrorCode.ValidationFailed,
        message: 'I am a teapot',
        details: [],
      });
    });

    it('count a 5xx as unexpected', () => {
      const { body, unexpected } = toErrorResponse(new HttpException('Bad gateway', 502));
      expect(body.code).toBe(ErrorCode.Internal);
      expect(unexpected).toBe(true);
    });
  });

  describe('a saturated connection pool', () => {
    it('is a 503 OVERLOADED with Retry-After, not a 500', () => {
      expect(toErrorResponse(new Error('timeout exceeded when trying to connect'))).toEqual({
        body: { statusCode: 503, code: ErrorCode.Overloaded, message: 'The service is busy; retry shortly', details: [] },
        headers: { 'retry-after': '1' },
        unexpected: false,
      });
    });
  });

  describe('anything else', () => {
    it('is a 500 INTERNAL_ERROR with a generic message that leaks nothing', () => {
      const response = toErrorResponse(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
      expect(response).toEqual({
        body: { statusCode: 500, code: ErrorCode.Internal, message: 'Internal server error', details: [] },
        headers: {},
        unexpected: true,
      });
      expect(JSON.stringify(response)).not.toContain('hunter2');
    });

    it.each([null, undefined, 'boom', 42, { statusCode: 200 }, { statusCode: 503 }])('handles the thrown value %p as a 500', (thrown) => {
      const { body, unexpected } = toErrorResponse(thrown);
      expect(body).toEqual({ statusCode: 500, code: ErrorCode.Internal, message: 'Internal server error', details: [] });
      expect(unexpected).toBe(true);
    });
  });
});
