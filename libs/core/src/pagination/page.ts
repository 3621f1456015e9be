import type { SelectQueryBuilder } from 'typeorm';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedException } from '../errors/common.exceptions.js';

/** `?limit=&cursor=` of every list route. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ description: "Opaque cursor from the previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are base64url JSON of the last row's sort key; opaque to clients. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<K extends Record<string, string | number>>(cursor: string, shape: { [P in keyof K]: 'string' | 'number' }): K {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw ValidationFailedException.field('cursor', 'is not a cursor this API issued');
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    Object.entries(shape).every(([key, type]) => typeof (parsed as Record<string, unknown>)[key] === type);
  if (!valid) throw ValidationFailedException.field('cursor', 'is not a cursor this API issued');
  return parsed as K;
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells whether another
 * page exists.
 */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => Record<string, string | number>, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** The keyset of lists ordered newest first by (createdAt, id): millisecond timestamps and uuids. */
export type CreatedCursor = { c: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const createdKey = (row: { createdAt: Date; id: string }): CreatedCursor => ({ c: row.createdAt.toISOString(), id: row.id });

/** A cursor of createdKey, checked: anything this API did not issue is a 400 naming cursor. */
export function decodeCreatedCursor(cursor: string): CreatedCursor {
  const key = decodeCursor<CreatedCursor>(cursor, { c: 'string', id: 'string' });
  const instant = new Date(key.c);
  // Four-digit years only: toISOString writes ±YYYYYY for the others, which PostgreSQL refuses.
  if (Number.isNaN(instant.getTime()) || instant.toISOString() !== key.c || !/^\d{4}-/.test(key.c) || !UUID.test(key.id)) {
    throw ValidationFailedException.field('cursor', 'is not a cursor this API issued');
  }
  return key;
}

/**
 * A page of `query` (whose root alias is `alias`) newest first by (createdAt, id), after `cursor`
 * (a createdKey cursor), mapped by `map`: the one keyset walk of every list ordered by creation.
 */
export async function newestFirstPage<E extends { createdAt: Date; id: string }, T>(
  query: SelectQueryBuilder<E>,
  alias: string,
  page: { limit: number; cursor?: string },
  map: (row: E) => T,
): Promise<Page<T>> {
  if (page.cursor) {
    const after = decodeCreatedCursor(page.cursor);
    query.andWhere(`(${alias}.createdAt, ${alias}.id) < (CAST(:afterCreated AS timestamptz), CAST(:afterId AS uuid))`, {
      afterCreated: after.c,
      afterId: after.id,
    });
  }
  const rows = await query
    .orderBy(`${alias}.createdAt`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(page.limit + 1)
    .getMany();
  return toPage(rows, page.limit, createdKey, map);
}
