import { decodeCursor, toPage, ValidationFailedException, type Page, type SqlRunner } from '#yizhi/core';
import { queryLexemes, toTsquery } from '../search/chinese-text.js';
import type { LexemeStatistics } from '../search/lexeme-statistics.js';

/** A WHERE clause over the alias `c`, built up by the repositories' filters with positional parameters. */
export class SqlConditions {
  private readonly clauses: string[] = [];
  private readonly values: unknown[];

  /** `params`: parameters the statement has already bound elsewhere. */
  constructor(params: readonly unknown[] = []) {
    this.values = [...params];
  }

  /** The placeholder of a new parameter holding `value`. */
  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  and(clause: string): this {
    this.clauses.push(clause);
    return this;
  }

  get params(): unknown[] {
    return [...this.values];
  }

  toString(): string {
    return this.clauses.length ? this.clauses.map((clause) => `(${clause})`).join(' AND ') : 'true';
  }

  clone(): SqlConditions {
    const copy = new SqlConditions(this.values);
    copy.clauses.push(...this.clauses);
    return copy;
  }
}

export interface CatalogSearch {
  table: 'listing' | 'need';
  /** The select list over `c`: what a hit needs, not the whole row. */
  columns: string;
  /** Which rows may be found at all (published and valid, or the caller's own) and the filters. */
  scope: SqlConditions;
  q?: string;
  sort?: 'relevance' | 'newest';
  limit: number;
  cursor?: string;
  /** "Newest" means newest published, or newest created for an owner's own items (drafts have no publication). */
  newestBy: 'published_at' | 'created_at';
}

/** Every hit carries its id and the time it is sorted by (`sort_key`), the keyset of the next page. */
export interface SearchRow {
  id: string;
  sort_key: Date;
}

/**
 * Where a query matched, strongest first. Relevance orders by tier, then newest: a title or keyword
 * match (the title vector) above a match in the body only, above a title that is merely similar
 * (pg_trgm word similarity, 3+ characters: a typo, a variant). The tiers are disjoint.
 */
enum Tier {
  Title = 0,
  Text = 1,
  Fuzzy = 2,
}

type RelevanceCursor = { t: number; p: string; id: string };
type NewestCursor = { p: string; id: string };
type Match = (where: SqlConditions) => string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** When a walk of the newest rows is tried, and how far it goes. */
export interface SearchTuning {
  /** A query held by at least this share of rows is common: walking the newest rows fills a page soon. */
  commonShare: number;
  /**
   * A walk reads at most `margin` times the rows the estimate says a page needs (rows wanted ÷
   * share), within [minWalk, maxWalk]; then it gives up and lets the planner read the matches from
   * the index. It gives up when the estimate was too hopeful (every bigram common, the phrase rare),
   * or the filters leave few rows.
   */
  margin: number;
  minWalk: number;
  maxWalk: number;
}

/**
 * Measured at 200,000 listings (docs/benchmarks.md): a walk reads a row in about 2 µs, an index
 * match costs 3–4 µs, so the walk wins from a share of about 1 %.
 */
export const SEARCH_TUNING: SearchTuning = { commonShare: 0.01, margin: 3, minWalk: 500, maxWalk: 5_000 };

/**
 * One page of a catalogue search. Each statement is ordered by an index-friendly key (newest, then
 * id) and limited, so PostgreSQL either walks the newest rows until the page is full (a common
 * term) or reads a rare term's few matches from a GIN index and sorts them. Nothing ranks every
 * match: at 200,000 listings that cost 100–700 ms for a common term (docs/benchmarks.md).
 *
 * Which of the two is cheaper depends on how common the query is, which the planner misjudges for
 * phrases; `statistics` judges by the query's rarest lexeme instead.
 *
 * Relevance runs one statement per tier, from the cursor's tier on, until the page (plus one row,
 * to know whether there is a next page) is full; a common term is served by the first.
 */
export async function searchPage<R extends SearchRow>(
  run: SqlRunner,
  search: CatalogSearch,
  statistics: Pick<LexemeStatistics, 'share'>,
  tuning: SearchTuning = SEARCH_TUNING,
): Promise<Page<R>> {
  const q = search.q?.trim();
  const tsquery = q ? toTsquery(q) : null;
  const raw = q && [...q].length >= 3 ? q : null;
  if (search.q !== undefined && !tsquery && !raw) return { items: [], nextCursor: null };
  const lexemes = q ? queryLexemes(q) : [];
  /** How many of the newest rows to walk for `want` matches: 0 when the query is not common enough. */
  const walkFor = async (column: 'title_vector' | 'search_vector', want: number): Promise<number> => {
    const share = tsquery === null ? 0 : await statistics.share(search.table, column, lexemes);
    if (share < tuning.commonShare) return 0;
    return Math.round(Math.min(tuning.maxWalk, Math.max(tuning.minWalk, (tuning.margin * want) / share)));
  };
  const want = search.limit + 1;

  if (search.q === undefined || search.sort === 'newest') {
    const after = search.cursor ? newestCursor(search.cursor) : undefined;
    const match = search.q === undefined ? null : (where: SqlConditions) => anyMatch(where, tsquery, raw);
    const rows = await fetch(run, search, match, after, want, match === null ? 0 : await walkFor('search_vector', want));
    return toPage(
      rows as R[],
      search.limit,
      (row) => ({ p: row.sort_key.toISOString(), id: row.id }),
      (row) => row,
    );
  }

  const after = search.cursor ? relevanceCursor(search.cursor) : undefined;
  const rows: (R & { tier: Tier })[] = [];
  for (const tier of [Tier.Title, Tier.Text, Tier.Fuzzy]) {
    if (rows.length === want) break;
    if ((after && tier < after.t) || (tier === Tier.Fuzzy ? !raw : !tsquery)) continue;
    const limit = want - rows.length;
    const walk = tier === Tier.Fuzzy ? 0 : await walkFor(tier === Tier.Title ? 'title_vector' : 'search_vector', limit);
    const match = (where: SqlConditions) => tierCondition(where, tier, tsquery, raw);
    const found = await fetch(run, search, match, after?.t === tier ? after : undefined, limit, walk);
    rows.push(...(found as R[]).map((row) => ({ ...row, tier })));
  }
  return toPage(
    rows,
    search.limit,
    (row) => ({ t: row.tier, p: row.sort_key.toISOString(), id: row.id }),
    ({ tier: _, ...row }) => row as unknown as R,
  );
}

/** The newest `limit` rows in scope after `after` that `match`: first by a walk of `walk` rows, when it is not 0. */
async function fetch(
  run: SqlRunner,
  search: CatalogSearch,
  match: Match | null,
  after: NewestCursor | undefined,
  limit: number,
  walk: number,
): Promise<SearchRow[]> {
  if (walk > 0 && match) {
    const rows = (await run(...walkStatement(search, match, after, limit, walk))) as SearchRow[];
    if (rows.length === limit) return rows;
  }
  return (await run(...statement(search, match, after, limit))) as SearchRow[];
}

function keyset(search: CatalogSearch, where: SqlConditions, after: NewestCursor | undefined): SqlConditions {
  const key = `c.${search.newestBy}`;
  if (after) where.and(`(${key}, c.id) < (${where.bind(after.p)}::timestamptz, ${where.bind(after.id)}::uuid)`);
  return where;
}

const selectList = (search: CatalogSearch) => `SELECT ${search.columns}, c.${search.newestBy} AS sort_key`;
const newestFirst = (search: CatalogSearch) => `ORDER BY c.${search.newestBy} DESC, c.id DESC`;

/** The planner's choice: for a rare query, the GIN index's few matches, sorted. */
function statement(search: CatalogSearch, match: Match | null, after: NewestCursor | undefined, limit: number): [string, unknown[]] {
  const where = keyset(search, search.scope.clone(), after);
  if (match) where.and(match(where));
  return [`${selectList(search)} FROM ${search.table} c WHERE ${where} ${newestFirst(search)} LIMIT ${limit}`, where.params];
}

/**
 * At most the newest `walk` rows in scope, read in index order, with `match` checked on each as
 * it comes: the scan stops as soon as the page is full. The match cannot use a GIN index here. The
 * walk reads only the columns the match needs, so that on a published search the covering index
 * (published_at, id) INCLUDE (valid_until, title_vector) serves it without touching the table;
 * the page's rows are then fetched by id.
 */
function walkStatement(
  search: CatalogSearch,
  match: Match,
  after: NewestCursor | undefined,
  limit: number,
  walk: number,
): [string, unknown[]] {
  const inner = keyset(search, search.scope.clone(), after);
  const where = new SqlConditions(inner.params);
  // coalesce() hides the match from the planner's estimate (it then assumes half the rows match):
  // trusting its phrase estimate, it would expect to read the whole walk, and sort rather than walk.
  const condition = match(where);
  where.and(`coalesce(${condition}, false)`);
  const columns = new Set(['id', search.newestBy, ...[...condition.matchAll(/\bc\.(\w+)/g)].map((m) => m[1])]);
  const newest = `SELECT ${[...columns].map((column) => `c.${column}`).join(', ')} FROM ${search.table} c WHERE ${inner} ${newestFirst(search)} LIMIT ${walk}`;
  const page = `SELECT c.id FROM (${newest}) c WHERE ${where} ${newestFirst(search)} LIMIT ${limit}`;
  return [`${selectList(search)} FROM ${search.table} c WHERE c.id IN (${page}) ${newestFirst(search)}`, where.params];
}

/** Any match at all, for sort=newest. */
function anyMatch(where: SqlConditions, tsquery: string | null, raw: string | null): string {
  const conditions = [];
  if (tsquery) conditions.push(`c.search_vector @@ ${where.bind(tsquery)}::tsquery`);
  if (raw) conditions.push(`${where.bind(raw)} <% c.title`);
  return conditions.join(' OR ');
}

function tierCondition(where: SqlConditions, tier: Tier, tsquery: string | null, raw: string | null): string {
  if (tier === Tier.Fuzzy) {
    const similar = `${where.bind(raw)} <% c.title`;
    return tsquery ? `${similar} AND NOT c.search_vector @@ ${where.bind(tsquery)}::tsquery` : similar;
  }
  const query = where.bind(tsquery);
  return tier === Tier.Title
    ? `c.title_vector @@ ${query}::tsquery`
    : `c.search_vector @@ ${query}::tsquery AND NOT c.title_vector @@ ${query}::tsquery`;
}

/** A cursor of the right shape whose keys would not cast in SQL (a 500, or a 400 naming nothing) is not one we issued. */
function newestCursor(cursor: string): NewestCursor {
  return checked(decodeCursor<NewestCursor>(cursor, { p: 'string', id: 'string' }), true);
}

function relevanceCursor(cursor: string): RelevanceCursor {
  const key = decodeCursor<RelevanceCursor>(cursor, { t: 'number', p: 'string', id: 'string' });
  return checked(key, Object.values(Tier).includes(key.t));
}

function checked<K extends NewestCursor>(key: K, valid: boolean): K {
  if (!valid || !isIsoInstant(key.p) || !UUID.test(key.id))
    throw ValidationFailedException.field('cursor', 'is not a cursor this API issued');
  return key;
}

function isIsoInstant(text: string): boolean {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text;
}
