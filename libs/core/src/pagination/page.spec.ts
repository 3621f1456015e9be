import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ErrorCode } from '../errors/error-code.js';
import { ValidationFailedException } from '../errors/common.exceptions.js';
import { decodeCursor, encodeCursor, PageQueryDto, toPage } from './page.js';

type Key = { createdAt: string; id: string };
const KEY_SHAPE = { createdAt: 'string', id: 'string' } as const;

/** The ValidationFailedException that decodeCursor throws for `cursor`. */
function cursorError(cursor: string, shape: Record<string, 'string' | 'number'> = KEY_SHAPE): ValidationFailedException {
  try {
    decodeCursor(cursor, shape);
  } catch (error) {
    if (error instanceof ValidationFailedException) return error;
    throw error;
  }
  throw new Error(`decodeCursor accepted ${cursor}`);
}

describe('encodeCursor / decodeCursor', () => {
  it('round-trips a sort key', () => {
    const key = { createdAt: '2026-01-02T03:04:05.678Z', id: '0b9d4c7e-8f8e-4c1a-9a57-3c4f1f0f1a2b' };
    expect(decodeCursor<Key>(encodeCursor(key), KEY_SHAPE)).toEqual(key);
  });

  it('round-trips numbers and non-ASCII text', () => {
    const key = { rank: 42, name: '重庆大学' };
    expect(decodeCursor<typeof key>(encodeCursor(key), { rank: 'number', name: 'string' })).toEqual(key);
  });

  it('is URL-safe base64 of the JSON key', () => {
    const cursor = encodeCursor({ name: '重庆?>>' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).toBe('{"name":"重庆?>>"}');
  });

  it.each([
    ['garbage', '!!not-a-cursor!!'],
    ['base64 of non-JSON', Buffer.from('hello', 'utf8').toString('base64url')],
    ['empty', ''],
    ['JSON null', encodeCursor(null as unknown as Record<string, string>)],
    ['a JSON string', Buffer.from('"x"', 'utf8').toString('base64url')],
    ['a missing key', encodeCursor({ createdAt: '2026-01-02T03:04:05.678Z' })],
    ['a wrong-typed key', encodeCursor({ createdAt: '2026-01-02T03:04:05.678Z', id: 7 })],
  ])('refuses %s naming cursor', (_label, cursor) => {
    const error = cursorError(cursor);
    expect(error.status).toBe(400);
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details).toEqual([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
    expect(error.message).toBe('cursor: is not a cursor this API issued');
  });

  it('refuses a number where the shape wants a string and vice versa', () => {
    expect(cursorError(encodeCursor({ rank: '42' }), { rank: 'number' }).details[0].field).toBe('cursor');
    expect(cursorError(encodeCursor({ rank: 42 }), { rank: 'string' }).details[0].field).toBe('cursor');
  });
});

describe('toPage', () => {
  const rows = [
    { id: 'a', n: 1 },
    { id: 'b', n: 2 },
    { id: 'c', n: 3 },
  ];
  const keyOf = (row: { id: string; n: number }) => ({ id: row.id, n: row.n });
  const map = (row: { id: string }) => row.id.toUpperCase();

  it('with limit + 1 rows returns limit items and the cursor of the last item returned', () => {
    const page = toPage(rows, 2, keyOf, map);
    expect(page.items).toEqual(['A', 'B']);
    expect(page.nextCursor).toBe(encodeCursor({ id: 'b', n: 2 }));
    expect(decodeCursor(page.nextCursor as string, { id: 'string', n: 'number' })).toEqual({ id: 'b', n: 2 });
  });

  it('with exactly limit rows has no next page', () => {
    expect(toPage(rows, 3, keyOf, map)).toEqual({ items: ['A', 'B', 'C'], nextCursor: null });
  });

  it('with fewer rows than the limit has no next page', () => {
    expect(toPage(rows.slice(0, 1), 20, keyOf, map)).toEqual({ items: ['A'], nextCursor: null });
  });

  it('with no rows is an empty last page', () => {
    expect(toPage([], 20, keyOf, map)).toEqual({ items: [], nextCursor: null });
  });
});

describe('PageQueryDto', () => {
  async function check(query: Record<string, unknown>) {
    const dto = plainToInstance(PageQueryDto, query);
    return { dto, errors: await validate(dto) };
  }

  it('defaults the limit to 20', async () => {
    const { dto, errors } = await check({});
    expect(errors).toEqual([]);
    expect(dto.limit).toBe(20);
    expect(dto.cursor).toBeUndefined();
  });

  it('reads the limit from the query string', async () => {
    const { dto, errors } = await check({ limit: '50', cursor: 'abc' });
    expect(errors).toEqual([]);
    expect(dto.limit).toBe(50);
    expect(dto.cursor).toBe('abc');
  });

  it.each([
    ['0', 'min'],
    ['101', 'max'],
    ['2.5', 'isInt'],
    ['ten', 'isInt'],
  ])('refuses limit=%s (%s)', async (limit, rule) => {
    const { errors } = await check({ limit });
    expect(errors).toHaveLength(1);
    expect(errors[0].property).toBe('limit');
    expect(Object.keys(errors[0].constraints ?? {})).toContain(rule);
  });

  it('refuses a cursor longer than 512 characters', async () => {
    const { errors } = await check({ cursor: 'a'.repeat(513) });
    expect(errors).toHaveLength(1);
    expect(errors[0].constraints).toEqual({ maxLength: 'cursor must be shorter than or equal to 512 characters' });
  });
});
