import { beforeAll, describe, expect, it } from '@jest/globals';
import { prepareTestDatabase } from '../support/database.js';
import { sql } from '../support/factories.js';
import {
  ARTICLE,
  joinedWith,
  MIXED_SENTENCES,
  PARAGRAPHS,
  reversedSubstrings,
  seededRandom,
  substringQueries,
} from '../fixtures/seed-text.js';
import { normalizeText, toTsquery, toTsvectorLiteral, type WeightedText } from '#yizhi/catalog';

/**
 * The search contract against real PostgreSQL: for a text T containing a query Q (both
 * normalised), `toTsvectorLiteral(T)::tsvector @@ toTsquery(Q)::tsquery`, and not when T lacks Q.
 */

const joined = joinedWith(normalizeText);

interface Pair {
  vector: string;
  query: string;
  /** For the failure message. */
  label: string;
}

/** Substrings of 1–8 characters, half in a one-field vector, half as the summary behind a title and keywords. */
function substringPairs(texts: string[], count: number, seed: number): Pair[] {
  return substringQueries(texts, count, seed, joined, (query) => toTsquery(query) !== null).map(({ text, query }, i) => {
    const fields: WeightedText[] =
      i % 2
        ? [{ text, weight: 'B' }]
        : [
            { text: '重庆市科学技术研究院', weight: 'A' },
            { text: 'MEMS SiC', weight: 'B' },
            { text, weight: 'C' },
          ];
    return { vector: toTsvectorLiteral(fields), query: toTsquery(query)!, label: `${query} in ${text.slice(0, 24)}` };
  });
}

/** One round trip: which pairs match, through `::tsquery` and through `to_tsquery('simple', …)`. */
async function evaluate(pairs: Pair[]): Promise<{ label: string; cast: boolean; simple: boolean }[]> {
  const rows = await sql<{ i: string; cast: boolean; simple: boolean }>(
    `SELECT t.i, t.v::tsvector @@ t.q::tsquery AS cast, t.v::tsvector @@ to_tsquery('simple', t.q) AS simple
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(v, q, i) ORDER BY t.i`,
    [pairs.map((p) => p.vector), pairs.map((p) => p.query)],
  );
  return rows.map((row, index) => ({ label: pairs[index].label, cast: row.cast, simple: row.simple }));
}

const pair = (text: string, query: string): Pair => ({
  vector: toTsvectorLiteral([{ text, weight: 'A' }]),
  query: toTsquery(query)!,
  label: `${query} in ${text}`,
});

describe('tsvector @@ tsquery in PostgreSQL', () => {
  beforeAll(async () => {
    await prepareTestDatabase();
  });

  it('matches 600 substrings of 1–8 characters of the article and of mixed Latin/Chinese sentences', async () => {
    const pairs = [...substringPairs(PARAGRAPHS, 450, 20210519), ...substringPairs(MIXED_SENTENCES, 150, 5)];
    const results = await evaluate(pairs);
    expect(results).toHaveLength(600);
    expect(results.filter((r) => !r.cast || !r.simple)).toEqual([]);
  });

  it.each([
    ['碳化硅功率模块', '碳化硅'],
    ['碳化硅功率模块', '功率模块'],
    ['高精度MEMS传感器', 'MEMS'],
    ['高精度MEMS传感器', 'MEMS传感器'],
    ['高精度MEMS传感器', 'ＭＥＭＳ'],
    ['高精度ＭＥＭＳ傳感器', 'mems 传感器'],
    ['碳化硅功率模块', '碳化矽'],
    ['在集成電路、生物醫藥等優勢領域', '集成电路'],
    ['SiC功率器件', 'SiC'],
    ['SiC功率器件', 'sic功率'],
    ['5G通信模组', '5G'],
    ['ISO9001质量管理体系', 'iso9001'],
    ['科技创新\n中心', '创新中心'],
    ['做\n好\n产\n业\n、人\n才\n、生\n活', '做好产业'],
    ['二〇二一年', '〇二'],
    ['graphene sensors', 'sensor'],
    ['碳化硅功率模块', '碳'],
  ])('finds %j by %j', async (text, query) => {
    expect(await evaluate([pair(text, query)])).toEqual([{ label: `${query} in ${text}`, cast: true, simple: true }]);
  });

  it.each([
    ['碳化硅功率模块', '硅化碳', 'the characters reversed'],
    ['碳化硅功率模块', '碳硅', 'a bigram the text does not have'],
    ['碳化，硅功率', '碳化硅', 'the bigrams split by punctuation'],
    ['功率模块碳化', '碳化硅功率', 'the bigrams present, out of order'],
    ['碳化硅功率模块', '石墨烯', 'a term absent from the text'],
    ['碳化硅功率模块', '碳化硅 石墨烯', 'one of two terms absent'],
    ['高精度MEMS传感器', 'EMS', 'the inside of a word'],
    ['5G通信', '5', 'a shorter number'],
    ['SiC功率器件', 'sica', 'a longer word'],
  ])('does not find %j by %j (%s)', async (text, query) => {
    expect(await evaluate([pair(text, query)])).toEqual([{ label: `${query} in ${text}`, cast: false, simple: false }]);
  });

  it('does not match 300 reversed substrings the texts do not contain', async () => {
    const pairs = reversedSubstrings(300, 7, joined).map(({ text, query }) => pair(text, query));
    expect(pairs).toHaveLength(300);
    const results = await evaluate(pairs);
    expect(results.filter((r) => r.cast || r.simple)).toEqual([]);
  });

  it('ranks a title match above a summary match for a 2-character query', async () => {
    const title = toTsvectorLiteral([
      { text: '碳化硅功率模块封装工艺', weight: 'A' },
      { text: '采用银烧结与铜线键合，热阻降低30%。', weight: 'C' },
    ]);
    const summary = toTsvectorLiteral([
      { text: '功率半导体封装工艺', weight: 'A' },
      { text: '面向碳化硅器件，采用银烧结与铜线键合，热阻降低30%。', weight: 'C' },
    ]);
    const [row] = await sql<{ title: number; summary: number }>(
      'SELECT ts_rank($1::tsvector, $3::tsquery) AS title, ts_rank($2::tsvector, $3::tsquery) AS summary',
      [title, summary, toTsquery('碳化')],
    );
    expect(row.title).toBeGreaterThan(row.summary);
    expect(row.summary).toBeGreaterThan(0);
  });

  it('stores exactly the positions and weights written, within PostgreSQL’s limits', async () => {
    const literal = toTsvectorLiteral([
      { text: '碳化硅功率模块', weight: 'A' },
      { text: '的'.repeat(600), weight: 'B' },
      { text: ARTICLE.repeat(3), weight: 'C' },
    ]);
    const [row] = await sql<{ lexemes: number; top: number; most: number }>(
      `SELECT length($1::tsvector) AS lexemes,
              (SELECT max(p) FROM unnest($1::tsvector) AS u, unnest(u.positions) AS p) AS top,
              (SELECT max(cardinality(u.positions)) FROM unnest($1::tsvector) AS u) AS most`,
      [literal],
    );
    expect(row).toEqual({ lexemes: literal.split(' ').length, top: 16383, most: 256 });
    // PostgreSQL prints back what was written, lexeme for lexeme (it only sorts them).
    const [printed] = await sql<{ text: string }>('SELECT $1::tsvector::text AS text', [literal]);
    expect(printed.text.split(' ').sort()).toEqual(literal.split(' ').sort());
  });

  it('accepts the literal of a huge text of distinct characters (under the 1 MB tsvector limit)', async () => {
    // 150,000 random characters of the CJK block: ~150,000 distinct bigrams, past the limit if all were kept.
    const next = seededRandom(11);
    let text = '';
    for (let i = 0; i < 150_000; i++) text += String.fromCharCode(0x4e00 + Math.floor(next() * 20_000));
    const literal = toTsvectorLiteral([
      { text: '碳化硅功率模块', weight: 'A' },
      { text, weight: 'C' },
    ]);
    const [row] = await sql<{ lexemes: number; title: boolean }>(
      'SELECT length($1::tsvector) AS lexemes, $1::tsvector @@ $2::tsquery AS title',
      [literal, toTsquery('碳化硅功率')],
    );
    expect(row.lexemes).toBeGreaterThan(50_000);
    expect(row.title).toBe(true);
  });

  it('parses the query of any input: quotes, backslashes, operators, very long strings', async () => {
    const hostile = [
      "碳化硅' | '1",
      "'; DROP TABLE listing; --",
      '!碳化硅',
      '碳化硅 & !(功率 | 模块)',
      'mems:* <-> 5g:A',
      "a''b\\'c",
      '\\\\碳\\',
      'x'.repeat(10_000),
      '碳化硅'.repeat(1000),
      Array.from({ length: 300 }, (_, i) => `w${i}`).join(' '),
      '\u0000碳\u0001化',
    ];
    const queries = hostile.map(toTsquery).filter((q): q is string => q !== null);
    expect(queries).toHaveLength(hostile.length);
    const rows = await sql<{ cast: string; simple: string }>(
      "SELECT q::tsquery::text AS cast, to_tsquery('simple', q)::text AS simple FROM unnest($1::text[]) WITH ORDINALITY AS t(q, i) ORDER BY i",
      [queries],
    );
    expect(rows.map((r) => r.cast === r.simple)).toEqual(queries.map(() => true));
  });
});
