import { decodeCursor, encodeCursor, ValidationFailedException, type Page } from '#yizhi/core';
import type { SelectQueryBuilder } from 'typeorm';
import { toTsquery } from '../search/chinese-text.js';
import type { CatalogItem } from './catalog-item.js';

export interface TextSearch {
  q?: string;
  sort?: 'relevance' | 'newest';
  limit: number;
  cursor?: string;
  /** "Newest" means newest published, or newest created for an owner's own items (drafts have no publication). */
  newestBy: 'published_at' | 'created_at';
}

type RelevanceCursor = { r: number; id: string };
type NewestCursor = { p: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor of the right shape whose keys would not cast in SQL (a 500, or a 400 naming nothing) is not one we issued. */
function checkedCursor<K extends RelevanceCursor | NewestCursor>(cursor: K): K {
  // The instant is written by toISOString, so a real one reads back to the same text.
  const key = 'r' in cursor ? Number.isFinite(cursor.r) : isIsoInstant(cursor.p);
  if (!key || !UUID.test(cursor.id)) throw ValidationFailedException.field('cursor', 'is not a cursor this API issued');
  return cursor;
}

function isIsoInstant(text: string): boolean {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text;
}

/**
 * Adds the text condition, the order and the keyset page to a query over published items
 * (alias `c`). Relevance is ts_rank over the application's tokens (title A > keywords B > body C)
 * plus a little of pg_trgm's word similarity to the title, which also lets a query of 3+
 * characters match a title it does not contain exactly (a typo, a variant). Newest orders by
 * publication. Both keys end in the id, so pages never repeat or skip a row.
 */
export async function searchPage<T extends CatalogItem>(
  query: SelectQueryBuilder<T>,
  search: TextSearch,
): Promise<Page<{ item: T; rank: number }>> {
  const tsquery = search.q ? toTsquery(search.q) : null;
  const raw = search.q?.trim() ?? '';
  const fuzzy = [...raw].length >= 3;
  const byRelevance = (search.sort ?? (search.q ? 'relevance' : 'newest')) === 'relevance' && search.q !== undefined;

  if (search.q !== undefined) {
    if (!tsquery && !fuzzy) return { items: [], nextCursor: null };
    const conditions = [tsquery ? 'c.search_vector @@ CAST(:tsquery AS tsquery)' : null, fuzzy ? ':raw <% c.title' : null].filter(Boolean);
    query.andWhere(`(${conditions.join(' OR ')})`, { tsquery: tsquery ?? '', raw });
  }

  const rank = search.q
    ? `(${tsquery ? 'ts_rank(c.search_vector, CAST(:tsquery AS tsquery))' : '0'} + ${fuzzy ? '0.1 * word_similarity(:raw, c.title)' : '0'})::real`
    : '0::real';
  query.addSelect(rank, 'rank');

  if (byRelevance) {
    if (search.cursor) {
      const after = checkedCursor(decodeCursor<RelevanceCursor>(search.cursor, { r: 'number', id: 'string' }));
      query.andWhere(`(${rank}, c.id) < (CAST(:afterRank AS real), CAST(:afterId AS uuid))`, { afterRank: after.r, afterId: after.id });
    }
    query.orderBy('rank', 'DESC').addOrderBy('c.id', 'DESC');
  } else {
    if (search.cursor) {
      const after = checkedCursor(decodeCursor<NewestCursor>(search.cursor, { p: 'string', id: 'string' }));
      query.andWhere(`(c.${search.newestBy}, c.id) < (CAST(:afterTime AS timestamptz), CAST(:afterId AS uuid))`, {
        afterTime: after.p,
        afterId: after.id,
      });
    }
    query.orderBy(`c.${search.newestBy}`, 'DESC').addOrderBy('c.id', 'DESC');
  }
  query.limit(search.limit + 1);

  const { entities, raw: rows } = await query.getRawAndEntities();
  const hits = entities.map((item, i) => ({ item, rank: Number((rows[i] as { rank: number }).rank) }));
  const page = hits.slice(0, search.limit);
  const last = page.at(-1);
  const nextCursor =
    hits.length > search.limit && last
      ? encodeCursor(byRelevance ? { r: last.rank, id: last.item.id } : { p: newestKey(last.item, search.newestBy), id: last.item.id })
      : null;
  return { items: page, nextCursor };
}

function newestKey(item: CatalogItem, column: TextSearch['newestBy']): string {
  // Both columns hold milliseconds (timestamptz(3)), so the JavaScript date is the exact key.
  return (column === 'published_at' ? item.publishedAt : item.createdAt)?.toISOString() ?? '';
}
