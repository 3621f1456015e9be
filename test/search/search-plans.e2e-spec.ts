/**
 * The two ways searchPage reads a page — a bounded walk of the newest rows for a common query, the
 * GIN index for a rare one — must give the same pages. Here the statistics that choose between them
 * are forced each way, over the same fixtures in real PostgreSQL, and the order is checked against
 * the tiers computed from the fixtures themselves.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LexemeStatistics, publishedListingsSearch, searchPage, toTsvectorLiteral, type SearchRow } from '#yizhi/catalog';
import { platformDate, type SqlRunner } from '#yizhi/core';
import { createTestApp, type TestApp } from '../support/app.js';
import { registerAndLogin, sql } from '../support/factories.js';

const RUN = randomUUID().replace(/-/g, '').slice(0, 10);
const REGION = `重庆市北碚区${RUN}`;

interface Fixture {
  title: string;
  keywords: string[];
  summary: string;
  maturity: number;
}

/** Oldest first: each is published a minute after the one before. */
const FIXTURES: Fixture[] = [];
for (let i = 0; i < 12; i++) {
  FIXTURES.push({ title: `智能传感器节点第${i}代`, keywords: [], summary: '面向工业物联网的低功耗节点。', maturity: 3 + (i % 6) });
  FIXTURES.push({ title: `边缘计算网关${i}型`, keywords: ['智能传感器'], summary: '多协议接入。', maturity: 4 + (i % 5) });
  FIXTURES.push({
    title: `工业物联网平台${i}`,
    keywords: [],
    summary: `平台接入各类智能传感器，实时采集数据第${i}批。`,
    maturity: 5 + (i % 4),
  });
  if (i % 3 === 0) FIXTURES.push({ title: `智能传感气阵列${i}`, keywords: [], summary: '气体检测模组。', maturity: 6 });
  if (i % 4 === 0) FIXTURES.push({ title: `激光雷达${i}号`, keywords: [], summary: '车载测距。', maturity: 7 });
}

/** Which tier a fixture falls in for "智能传感器": 0 title or keywords, 1 summary only, 2 a similar title, null no match. */
function tierOf(f: Fixture): number | null {
  if (f.title.includes('智能传感器') || f.keywords.includes('智能传感器')) return 0;
  if (f.summary.includes('智能传感器')) return 1;
  if (f.title.startsWith('智能传感气')) return 2;
  return null;
}

const statistics = (share: number) => ({ share: async () => share });

describe('search plans', () => {
  let t: TestApp;
  /** Fixture index → id. */
  const ids: string[] = [];
  const today = platformDate();

  beforeAll(async () => {
    t = await createTestApp();
    const owner = await registerAndLogin(t, 'institute');
    const start = Date.now() - 3600_000;
    for (const [i, f] of FIXTURES.entries()) {
      const vector = toTsvectorLiteral([
        { text: f.title, weight: 'A' },
        { text: f.keywords.join('、'), weight: 'B' },
        { text: f.summary, weight: 'C' },
      ]);
      const [{ id }] = await sql<{ id: string }>(
        `INSERT INTO listing (owner_organization_id, title, field, keywords, status, region, published_at, summary, maturity,
                              transfer_modes, valid_until, search_vector, title_vector)
         VALUES ($1, $2, 'sensors', $3, 'published', $4, $5, $6, $7, '{license}', $8::date + 30, $9::tsvector, ts_filter($9::tsvector, '{a,b}'))
         RETURNING id`,
        [owner.organizationId, f.title, f.keywords, REGION, new Date(start + i * 60_000), f.summary, f.maturity, today, vector],
      );
      ids.push(id);
    }
  });
  afterAll(() => t.close());

  /** Every page of a search, with the statements it sent. */
  async function walkPages(
    query: { q: string; sort?: 'newest'; maturityMin?: number },
    limit: number,
    share: number,
    walkRows = 1_000,
  ): Promise<{ ids: string[]; statements: string[] }> {
    const statements: string[] = [];
    const run: SqlRunner = (text, params) => {
      statements.push(text);
      return sql(text, params);
    };
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const search = publishedListingsSearch({ ...query, region: REGION, limit, cursor }, today);
      const page = await searchPage<SearchRow>(run, search, statistics(share), {
        commonShare: 0.01,
        margin: 1,
        minWalk: walkRows,
        maxWalk: walkRows,
      });
      seen.push(...page.items.map((row) => row.id));
      if (!page.nextCursor) return { ids: seen, statements };
      cursor = page.nextCursor;
    }
    throw new Error('more than 100 pages');
  }

  const expectedOrder = (matches: (f: Fixture) => number | null) =>
    FIXTURES.map((f, i) => ({ i, tier: matches(f) }))
      .filter((x): x is { i: number; tier: number } => x.tier !== null)
      .sort((a, b) => a.tier - b.tier || b.i - a.i)
      .map((x) => ids[x.i]);

  it('orders by tier (title or keywords, then summary, then a similar title), newest first within each', async () => {
    const expected = expectedOrder(tierOf);
    expect(expected.length).toBe(12 + 12 + 12 + 4);
    expect((await walkPages({ q: '智能传感器' }, 100, 0)).ids).toEqual(expected);
  });

  it.each([1, 4, 7, 100])('gives the same pages by index, by walk and by a walk too short to fill them (limit %i)', async (limit) => {
    const expected = expectedOrder(tierOf);
    const byIndex = await walkPages({ q: '智能传感器' }, limit, 0);
    const byWalk = await walkPages({ q: '智能传感器' }, limit, 1);
    const byShortWalk = await walkPages({ q: '智能传感器' }, limit, 1, 3);
    expect(byIndex.ids).toEqual(expected);
    expect(byWalk.ids).toEqual(expected);
    expect(byShortWalk.ids).toEqual(expected);

    const isWalk = (statement: string) => statement.includes('LIMIT 1000)') || statement.includes('LIMIT 3)');
    expect(byIndex.statements.filter(isWalk)).toEqual([]);
    expect(byWalk.statements.filter(isWalk).length).toBeGreaterThan(0);
    // The fuzzy tier never walks: it is read from the trigram index.
    expect(byWalk.statements.filter((s) => isWalk(s) && s.includes('<% c.title'))).toEqual([]);
    // A walk of 3 rows cannot fill a page: the index statement follows it.
    expect(byShortWalk.statements.filter((s) => !isWalk(s) && s.includes('c.title_vector @@')).length).toBeGreaterThan(0);
  });

  it('gives the same pages both ways for newest first, a 1-character query and a filter', async () => {
    const cases: [{ q: string; sort?: 'newest'; maturityMin?: number }, (f: Fixture) => number | null][] = [
      [{ q: '智能传感器', sort: 'newest' }, (f) => (tierOf(f) === null ? null : 0)],
      [{ q: '智' }, (f) => (f.title.includes('智') || f.keywords.some((k) => k.includes('智')) ? 0 : f.summary.includes('智') ? 1 : null)],
      [{ q: '智能传感器', maturityMin: 7 }, (f) => (f.maturity >= 7 ? tierOf(f) : null)],
    ];
    for (const [query, matches] of cases) {
      const expected = expectedOrder(matches);
      expect(expected.length).toBeGreaterThan(3);
      for (const [share, walkRows] of [
        [0, 1_000],
        [1, 1_000],
        [1, 3],
      ]) {
        const { ids: found } = await walkPages(query, 5, share, walkRows);
        expect({ query, share, walkRows, found }).toEqual({ query, share, walkRows, found: expected });
      }
    }
  });
});

describe('LexemeStatistics', () => {
  const table = `lexeme_stats_${RUN}`;

  beforeAll(async () => {
    await sql(`CREATE TABLE ${table} (id int PRIMARY KEY, title_vector tsvector)`);
    // 常见 in every row, 一半 in every other one, 稀有 in one row of 400.
    await sql(
      `INSERT INTO ${table}
       SELECT i, ('常见 ' || CASE WHEN i % 2 = 0 THEN '一半 ' ELSE '' END || CASE WHEN i = 7 THEN '稀有' ELSE '' END)::tsvector
         FROM generate_series(1, 400) AS i`,
    );
    await sql(`ANALYZE ${table}`);
  });
  afterAll(() => sql(`DROP TABLE IF EXISTS ${table}`));

  const run: SqlRunner = (text, params) => sql(text, params);

  it("reads each lexeme's share from pg_stats: a query is as common as its rarest lexeme", async () => {
    const stats = new LexemeStatistics(run);
    expect(await stats.share(table, 'title_vector', ['常见'])).toBeCloseTo(1, 2);
    expect(await stats.share(table, 'title_vector', ['一半'])).toBeCloseTo(0.5, 2);
    expect(await stats.share(table, 'title_vector', ['常见', '一半'])).toBeCloseTo(0.5, 2);
  });

  it('judges a lexeme it has no figure for, or no lexeme at all, as rare', async () => {
    const stats = new LexemeStatistics(run);
    expect(await stats.share(table, 'title_vector', ['常见', '从未出现'])).toBe(0);
    expect(await stats.share(table, 'title_vector', [])).toBe(0);
    expect(await stats.share(`${table}_missing`, 'title_vector', ['常见'])).toBe(0);
  });

  it('caches the figures until they expire', async () => {
    let reads = 0;
    const counting: SqlRunner = (text, params) => {
      reads++;
      return sql(text, params);
    };
    const cached = new LexemeStatistics(counting, 60_000);
    await Promise.all([cached.share(table, 'title_vector', ['常见']), cached.share(table, 'title_vector', ['一半'])]);
    await cached.share(table, 'title_vector', ['常见']);
    expect(reads).toBe(1);
    const expiring = new LexemeStatistics(counting, 0);
    reads = 0;
    await expiring.share(table, 'title_vector', ['常见']);
    await expiring.share(table, 'title_vector', ['常见']);
    expect(reads).toBe(2);
  });
});
