import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { prepareTestDatabase } from '../support/database.js';
import { sql } from '../support/factories.js';
// The pure search functions are not part of the catalog's public surface (#yizhi/catalog).
import { normalizeText, toTsquery, toTsvectorLiteral, type WeightedText } from '#yizhi/catalog';

/**
 * The search contract against real PostgreSQL: for a text T containing a query Q (both
 * normalised), `toTsvectorLiteral(T)::tsvector @@ toTsquery(Q)::tsquery`, and not when T lacks Q.
 */

/** The Chongqing Daily article of shared/seed, kept in the repository as a fixture. */
const ARTICLE = readFileSync(new URL('../fixtures/seed-article.txt', import.meta.url), 'utf8');
const PARAGRAPHS = ARTICLE.split(/\n\s*\n/)
  .map((p) => p.trim())
  .filter((p) => [...p].length >= 20);

/** Real phrases of the article with the Latin terms of listings spliced in, some full-width or traditional. */
const MIXED_SENTENCES = [
  '重科智能制造高端研发平台将围绕工业机器人、高精度MEMS传感器、SiC功率器件等领域，开展整体解决方案和核心工程能力研发。',
  '依托碳化硅功率模块和5G+工业互联网中试熟化基地，支持高校院所及企业设立技术转移机构，服务企业累计超过1.5万家。',
  '推动ISO9001质量管理体系与GB/T 19001标准在科技型企业落地，建设智能传感器（ＭＥＭＳ）与５Ｇ通信模组研发平台。',
  '在集成電路、生物醫藥等優勢領域注入新活力，加快突破碳化矽功率模組等關鍵核心技術。',
];

const WORD = /[\p{L}\p{N}\p{M}]/u;
const joined = (text: string) => normalizeText(text).replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '');

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pair {
  vector: string;
  query: string;
  /** For the failure message. */
  label: string;
}

/** Substrings of 1–8 characters that do not cut a Latin/digit word at either end. */
function substringPairs(texts: string[], count: number, seed: number): Pair[] {
  const next = random(seed);
  const pairs: Pair[] = [];
  while (pairs.length < count) {
    const text = texts[Math.floor(next() * texts.length)];
    const chars = [...joined(text)];
    const length = 1 + Math.floor(next() * 8);
    const start = Math.floor(next() * Math.max(1, chars.length - length));
    const end = Math.min(chars.length, start + length);
    const cutsWord = (i: number) => i > 0 && i < chars.length && WORD.test(chars[i - 1]) && WORD.test(chars[i]);
    if (cutsWord(start) || cutsWord(end)) continue;
    const query = toTsquery(chars.slice(start, end).join(''));
    if (query === null) continue;
    // Half in a one-field vector, half as the summary behind a title and keywords.
    const fields: WeightedText[] =
      pairs.length % 2
        ? [{ text, weight: 'B' }]
        : [
            { text: '重庆市科学技术研究院', weight: 'A' },
            { text: 'MEMS SiC', weight: 'B' },
            { text, weight: 'C' },
          ];
    pairs.push({ vector: toTsvectorLiteral(fields), query, label: `${chars.slice(start, end).join('')} in ${text.slice(0, 24)}` });
  }
  return pairs;
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
    const next = random(7);
    const pairs: Pair[] = [];
    while (pairs.length < 300) {
      const text = PARAGRAPHS[Math.floor(next() * PARAGRAPHS.length)];
      const chars = [...joined(text)];
      const start = Math.floor(next() * (chars.length - 4));
      const piece = chars.slice(start, start + 3 + Math.floor(next() * 4));
      if (!piece.every((ch) => /\p{Script=Han}/u.test(ch))) continue;
      const reversed = [...piece].reverse().join('');
      if (joined(text).includes(reversed)) continue;
      pairs.push(pair(text, reversed));
    }
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
    const next = random(11);
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
