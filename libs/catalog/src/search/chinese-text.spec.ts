import { describe, expect, it } from '@jest/globals';
import {
  MAX_POSITIONS_PER_LEXEME,
  MAX_QUERY_LEXEMES,
  MAX_TSVECTOR_POSITION,
  MAX_WORD_LENGTH,
  TRADITIONAL_TO_SIMPLIFIED,
  highlightSnippet,
  normalizeText,
  toTsquery,
  toTsvectorLiteral,
  tokenize,
  tokenizeWithPositions,
} from './chinese-text.js';
import {
  ARTICLE,
  joinedWith,
  MIXED_SENTENCES,
  PARAGRAPHS,
  reversedSubstrings,
  seededRandom,
  substringQueries,
} from '../../../../test/fixtures/seed-text.js';

const joined = joinedWith(normalizeText);
const substringPairs = (texts: string[], count: number, seed: number) =>
  substringQueries(texts, count, seed, joined, (query) => toTsquery(query) !== null);

// --- A tiny evaluator of `tsvector @@ tsquery` for the shapes built here (the e2e spec asks PostgreSQL itself).

function parseTsvector(literal: string): Map<string, number[]> {
  const lexemes = new Map<string, number[]>();
  for (const match of literal.matchAll(/'((?:[^']|'')*)':([0-9A-D,]+)/g)) {
    lexemes.set(
      match[1].replace(/''/g, "'"),
      match[2].split(',').map((p) => parseInt(p, 10)),
    );
  }
  return lexemes;
}

function matches(literal: string, query: string): boolean {
  const lexemes = parseTsvector(literal);
  const positionsOf = (item: string): Set<number> => {
    const prefix = item.endsWith(':*');
    const lexeme = item.replace(/:\*$/, '').slice(1, -1).replace(/''/g, "'");
    const out = new Set<number>();
    for (const [key, positions] of lexemes) if (key === lexeme || (prefix && key.startsWith(lexeme))) positions.forEach((p) => out.add(p));
    return out;
  };
  return query.split(' & ').every((part) => {
    const phrase = part
      .replace(/^\(|\)$/g, '')
      .split(' <-> ')
      .map(positionsOf);
    return [...phrase[0]].some((p) => phrase.every((positions, k) => positions.has(p + k)));
  });
}

/** The shape of every query toTsquery builds: an AND of quoted terms and parenthesised phrases. */
const QUOTED = String.raw`'(?:[^'\\]|''|\\.)+'`;
const TERM = String.raw`(?:${QUOTED}(?::\*)?|\(${QUOTED}(?: <-> ${QUOTED})+\))`;
const TSQUERY_SHAPE = new RegExp(`^${TERM}(?: & ${TERM})*$`, 'u');

describe('normalizeText', () => {
  it('folds full-width ASCII and the ideographic space, lower-cases Latin, collapses whitespace', () => {
    expect(normalizeText('Ｆ１２ａ，！')).toBe('f12a,!');
    expect(normalizeText('高精度ＭＥＭＳ传感器')).toBe('高精度mems传感器');
    expect(normalizeText('  碳化硅\u3000\u3000功率\n\t模块 ')).toBe('碳化硅 功率 模块');
    expect(normalizeText('SiC MOSFET、5G')).toBe('sic mosfet、5g');
  });

  it('simplifies common traditional characters', () => {
    expect(normalizeText('在集成電路、生物醫藥等優勢領域')).toBe('在集成电路、生物医药等优势领域');
    expect(normalizeText('碳化矽功率模組')).toBe('碳化硅功率模组');
    expect(normalizeText('MEMS傳感器與鋰電池')).toBe('mems传感器与锂电池');
    expect(normalizeText('積體電路製造')).toBe('积体电路制造');
  });

  it('removes zero-width characters that split words, and folds compatibility forms', () => {
    expect(normalizeText('碳化\u200b硅\ufeff功率')).toBe('碳化硅功率');
    expect(normalizeText('\u2f00体化')).toBe('一体化'); // Kangxi radical ⼀ from a PDF
    expect(normalizeText('\uf967')).toBe('不'); // CJK compatibility ideograph
    expect(normalizeText('①号线')).toBe('1号线');
    expect(normalizeText('Caf\u0065\u0301')).toBe('café');
  });

  it('leaves the simplified article’s characters as they are', () => {
    const han = (text: string) => text.match(/\p{Script=Han}/gu)?.join('');
    expect(han(normalizeText(ARTICLE))).toBe(han(ARTICLE));
  });

  it('is idempotent', () => {
    for (const text of [ARTICLE, ...MIXED_SENTENCES, 'Ａ\u3000ｂ①½…ﬁ İ Ǆ e\u0301\u0301 ア ﾊﾟ', ' \u00a8x\u00a8 ']) {
      const once = normalizeText(text);
      expect(normalizeText(once)).toBe(once);
    }
  });

  it('keeps a compact, consistent traditional table', () => {
    expect(TRADITIONAL_TO_SIMPLIFIED.size).toBeGreaterThan(300);
    expect(TRADITIONAL_TO_SIMPLIFIED.size).toBeLessThan(1000);
    for (const [traditional, simplified] of TRADITIONAL_TO_SIMPLIFIED) {
      expect([traditional, [...traditional].length, [...simplified].length]).toEqual([traditional, 1, 1]);
      expect(traditional).not.toBe(simplified);
      // A target is never itself converted again: normalisation is idempotent.
      expect([simplified, TRADITIONAL_TO_SIMPLIFIED.has(simplified)]).toEqual([simplified, false]);
    }
    for (const [t, s] of [
      ...'體体電电導导車车機机學学術术發发與与產产業业醫医藥药網网數数據据開开關关測测試试傳传動动統统製制矽硅鋰锂'.matchAll(/(.)(.)/gu),
    ].map((m) => [m[1], m[2]]))
      expect(TRADITIONAL_TO_SIMPLIFIED.get(t)).toBe(s);
  });
});

describe('tokenize', () => {
  it('gives every unigram and overlapping bigram of a CJK run, in text order', () => {
    expect(tokenize('碳化硅功率模块')).toEqual(['碳', '碳化', '化', '化硅', '硅', '硅功', '功', '功率', '率', '率模', '模', '模块', '块']);
  });

  it('keeps Latin/digit runs whole and splits them from CJK', () => {
    expect(tokenize('高精度MEMS传感器')).toEqual(['高', '高精', '精', '精度', '度', 'mems', '传', '传感', '感', '感器', '器']);
    expect(tokenize('ISO9001、GB11714 5G SiC')).toEqual(['iso9001', 'gb11714', '5g', 'sic']);
    expect(tokenize('１.５万家')).toEqual(['1', '5', '万', '万家', '家']);
  });

  it('splits on punctuation: no bigram spans it', () => {
    const tokens = tokenize('集成电路、生物医药');
    expect(tokens).not.toContain('路生');
    expect(tokens).not.toContain('、');
    expect(tokens).toEqual(['集', '集成', '成', '成电', '电', '电路', '路', '生', '生物', '物', '物医', '医', '医药', '药']);
  });

  it('bridges a line break between CJK characters, as in the article’s columns', () => {
    expect(tokenize('科技创新\n中心')).toContain('新中');
    // The article's vertical headline: one character per line.
    expect(tokenize('做\n好\n产\n业\n、人\n才')).toEqual(['做', '做好', '好', '好产', '产', '产业', '业', '人', '人才', '才']);
    expect(tokenize('创新 5G 中心')).not.toContain('新中');
  });

  it('treats 〇, 々 and CJK extensions as characters of the run', () => {
    expect(tokenize('二〇二一年')).toEqual(['二', '二〇', '〇', '〇二', '二一', '一', '一年', '年']);
    expect(tokenize('人々')).toEqual(['人', '人々', '々']);
    expect(tokenize('㐀𠀀')).toEqual(['㐀', '㐀𠀀', '𠀀']);
  });

  it('removes duplicates, keeping first occurrences (tokenizeWithPositions keeps them all)', () => {
    expect(tokenize('创新创新')).toEqual(['创', '创新', '新', '新创']);
    expect(tokenizeWithPositions('创新创新').map((t) => t.token)).toEqual(['创', '创新', '新', '新创', '创', '创新', '新']);
  });

  it('cuts very long words', () => {
    expect(tokenize('x'.repeat(200))).toEqual(['x'.repeat(MAX_WORD_LENGTH)]);
  });

  it('normalises first', () => {
    expect(tokenize('ＭＥＭＳ傳感器')).toEqual(tokenize('mems传感器'));
  });
});

describe('tokenizeWithPositions', () => {
  it('numbers CJK characters and words, not separators; a bigram sits at its first character', () => {
    expect(tokenizeWithPositions('5G网络，SiC 模块')).toEqual([
      { token: '5g', position: 0 },
      { token: '网', position: 1 },
      { token: '网络', position: 1 },
      { token: '络', position: 2 },
      { token: 'sic', position: 3 },
      { token: '模', position: 4 },
      { token: '模块', position: 4 },
      { token: '块', position: 5 },
    ]);
  });

  it('gives nothing for text without letters, digits or ideographs', () => {
    expect(tokenizeWithPositions('，。！？“”（）——  \n')).toEqual([]);
  });
});

describe('toTsvectorLiteral', () => {
  it('numbers positions across fields from 1, with a gap, and weights each field', () => {
    expect(
      toTsvectorLiteral([
        { text: '碳化硅', weight: 'A' },
        { text: 'SiC模块', weight: 'B' },
      ]),
    ).toBe("'碳':1A '碳化':1A '化':2A '化硅':2A '硅':3A 'sic':5B '模':6B '模块':6B '块':7B");
  });

  it('lists every position of a lexeme, with each field’s weight; D has no letter', () => {
    expect(
      toTsvectorLiteral([
        { text: '传感器', weight: 'A' },
        { text: 'MEMS', weight: 'C' },
        { text: '传感', weight: 'D' },
      ]),
    ).toBe("'传':1A,7 '传感':1A,7 '感':2A,8 '感器':2A '器':3A 'mems':5C");
  });

  it('skips empty fields without a gap and gives an empty literal for no tokens', () => {
    expect(toTsvectorLiteral([])).toBe('');
    expect(toTsvectorLiteral([{ text: '，。', weight: 'A' }])).toBe('');
    expect(
      toTsvectorLiteral([
        { text: '', weight: 'A' },
        { text: '芯片', weight: 'B' },
      ]),
    ).toBe("'芯':1B '芯片':1B '片':2B");
  });

  it('never lets quotes, backslashes or operators into a lexeme', () => {
    const literal = toTsvectorLiteral([{ text: "It's a \\ test: 'x' & y | !z <-> 碳'化", weight: 'A' }]);
    expect([...parseTsvector(literal).keys()]).toEqual(['it', 's', 'a', 'test', 'x', 'y', 'z', '碳', '化']);
  });

  it('clamps positions to 16383 and keeps at most 256 positions per lexeme', () => {
    const literal = toTsvectorLiteral([
      { text: '的'.repeat(1000), weight: 'A' },
      { text: ARTICLE.repeat(4), weight: 'C' },
    ]);
    const lexemes = parseTsvector(literal);
    expect(lexemes.get('的')).toHaveLength(MAX_POSITIONS_PER_LEXEME);
    expect(lexemes.get('的')?.[0]).toBe(1);
    for (const positions of lexemes.values()) {
      expect(positions.length).toBeLessThanOrEqual(MAX_POSITIONS_PER_LEXEME);
      expect(Math.max(...positions)).toBeLessThanOrEqual(MAX_TSVECTOR_POSITION);
      expect(new Set(positions).size).toBe(positions.length);
    }
    expect(Math.max(...[...lexemes.values()].flat())).toBe(MAX_TSVECTOR_POSITION);
  });
});

describe('toTsquery', () => {
  it.each([
    ['碳化硅', "('碳化' <-> '化硅')"],
    ['碳化', "'碳化'"],
    ['碳', "'碳'"],
    ['科技创新中心', "('科技' <-> '技创' <-> '创新' <-> '新中' <-> '中心')"],
    ['MEMS传感器', "'mems':* & ('传感' <-> '感器')"],
    ['ＭＥＭＳ', "'mems':*"],
    ['5G', "'5g'"],
    ['SiC', "'sic':*"],
    ['ai', "'ai'"],
    ['iso9001', "'iso9001'"],
    ['5G 碳化矽 iso9001', "'5g' & ('碳化' <-> '化硅') & 'iso9001'"],
    ['碳化硅 功率', "('碳化' <-> '化硅') & '功率'"],
    ['碳化硅，碳化硅', "('碳化' <-> '化硅')"],
    ['1.5万家', "'1' & '5' & '万家'"],
  ])('turns %j into %s', (query, tsquery) => {
    expect(toTsquery(query)).toBe(tsquery);
  });

  it('gives the same query for traditional, full-width and simplified spellings', () => {
    expect(toTsquery('碳化矽')).toBe(toTsquery('碳化硅'));
    expect(toTsquery('積體電路')).toBe(toTsquery('积体电路'));
    expect(toTsquery('ＳｉＣ　功率')).toBe(toTsquery('sic 功率'));
  });

  it('returns null when nothing is left to search for', () => {
    for (const query of ['', '   ', '\u3000', '，。！', "'&|!():*\\", '<->', '\u200b']) expect(toTsquery(query)).toBeNull();
  });

  it('treats operators and quotes as separators: the result always has the safe shape', () => {
    const hostile = [
      "碳化硅' | '1",
      "'; DROP TABLE listing; --",
      '!碳化硅',
      '碳化硅 & !(功率 | 模块)',
      'mems:* <-> 5g:A',
      "a''b\\'c",
      '\\\\\\',
      'x'.repeat(10_000),
      '碳化硅'.repeat(1000),
      'a b c d e f g h i j k l m n o p q r s t u v w x y z '.repeat(20),
      '\ud800碳\udfff化',
    ];
    for (const query of hostile) {
      const tsquery = toTsquery(query);
      expect([query.slice(0, 40), tsquery === null || TSQUERY_SHAPE.test(tsquery)]).toEqual([query.slice(0, 40), true]);
    }
  });

  it(`holds a query to ${MAX_QUERY_LEXEMES} lexemes, keeping its start`, () => {
    const long = toTsquery('碳化硅功率模块'.repeat(50))!;
    expect(long.match(/'[^']+'/g)).toHaveLength(MAX_QUERY_LEXEMES);
    expect(long.startsWith("('碳化' <-> '化硅' <-> '硅功'")).toBe(true);
    // 100 different characters of the article, typed as separate terms.
    const distinct = [...new Set(ARTICLE.match(/\p{Script=Han}/gu))].slice(0, 100);
    const terms = toTsquery(distinct.join(' '))!.split(' & ');
    expect(terms).toEqual(distinct.slice(0, MAX_QUERY_LEXEMES).map((ch) => `'${ch}'`));
    // A word cut by the length cap matches as a prefix.
    expect(toTsquery('x'.repeat(10_000))).toBe(`'${'x'.repeat(MAX_WORD_LENGTH)}':*`);
  });

  it('is quick on a megabyte of input', () => {
    const started = Date.now();
    toTsquery('碳化硅 MEMS '.repeat(100_000));
    expect(Date.now() - started).toBeLessThan(200);
  });
});

describe('the contract: a text matches every query it contains (in-memory evaluator)', () => {
  const texts = [...PARAGRAPHS, ...MIXED_SENTENCES];
  const pairs = substringPairs(texts, 1500, 20210519);

  it('matches 1500 substrings of 1–8 characters of the article and the mixed sentences', () => {
    const misses = pairs.filter(({ text, query }) => !matches(toTsvectorLiteral([{ text, weight: 'B' }]), toTsquery(query)!));
    expect(misses).toEqual([]);
  });

  it('matches them in any field of a weighted vector', () => {
    const misses = pairs.slice(0, 300).filter(({ text, query }) => {
      const literal = toTsvectorLiteral([
        { text: '重庆市科学技术研究院', weight: 'A' },
        { text: 'MEMS、SiC', weight: 'B' },
        { text, weight: 'C' },
      ]);
      return !matches(literal, toTsquery(query)!);
    });
    expect(misses).toEqual([]);
  });

  it.each([
    ['碳化硅功率模块', '碳化硅'],
    ['高精度MEMS传感器', 'MEMS'],
    ['高精度MEMS传感器', 'mems传感器'],
    ['高精度MEMS传感器', 'ＭＥＭＳ'],
    ['碳化硅功率模块', '碳化矽'],
    ['在集成電路、生物醫藥等優勢領域', '集成电路'],
    ['科技创新\n中心', '创新中心'],
    ['SiC功率器件', 'sic'],
    ['5G通信模组', '5G通信'],
    ['graphene sensors', 'sens'],
  ])('finds %j by %j', (text, query) => {
    expect(matches(toTsvectorLiteral([{ text, weight: 'A' }]), toTsquery(query)!)).toBe(true);
  });

  it.each([
    ['碳化硅功率模块', '硅化碳'],
    ['碳化硅功率模块', '碳硅'],
    ['碳化，硅功率', '碳化硅'],
    ['碳化硅功率模块', '石墨烯'],
    ['高精度MEMS传感器', 'EMS'],
    ['5G通信', '5'],
    ['SiC功率器件', 'sica'],
  ])('does not find %j by %j', (text, query) => {
    expect(matches(toTsvectorLiteral([{ text, weight: 'A' }]), toTsquery(query)!)).toBe(false);
  });

  it('does not match reversed substrings that the text does not contain', () => {
    const pairs = reversedSubstrings(300, 7, joined);
    expect(pairs).toHaveLength(300);
    const found = pairs.filter(({ text, query }) => matches(toTsvectorLiteral([{ text, weight: 'A' }]), toTsquery(query)!));
    expect(found).toEqual([]);
  });
});

describe('highlightSnippet', () => {
  const text =
    '重科智能制造高端研发平台将围绕工业机器人、智能装备、工业软件、智能传感器等领域，开展整体解决方案和核心工程能力研发，' +
    '重点开展先进连接、激光高端装备、碳化硅功率模块、智能工厂测控等关键核心技术和产品研发。';

  it('cuts a window around the first match, marks matches and the cuts', () => {
    // 30 characters: a third of the 27 around the match before it, the rest after.
    expect(highlightSnippet(text, '碳化硅', 30)).toBe('…接、激光高端装备、<em>碳化硅</em>功率模块、智能工厂测控等关键核心技术…');
  });

  it('marks every match of every term inside the window', () => {
    expect(highlightSnippet(text, '智能 研发', 40)).toBe(
      '重科<em>智能</em>制造高端<em>研发</em>平台将围绕工业机器人、<em>智能</em>装备、工业软件、<em>智能</em>传感器等领域，…',
    );
  });

  it('needs no ellipsis when the whole text fits', () => {
    expect(highlightSnippet('碳化硅功率模块', '功率')).toBe('碳化硅<em>功率</em>模块');
  });

  it('matches through normalisation but shows the text as written', () => {
    expect(highlightSnippet('高精度ＭＥＭＳ傳感器', 'mems传感器')).toBe('高精度<em>ＭＥＭＳ傳感器</em>');
    expect(highlightSnippet('碳化硅功率模块', '碳化矽')).toBe('<em>碳化硅</em>功率模块');
    expect(highlightSnippet('科技创新\n中心', '创新中心')).toBe('科技<em>创新中心</em>');
  });

  it('matches Latin words whole, or as a prefix for words that match as prefixes', () => {
    // `sic` searches as a prefix (it finds sic2 too), `5g` exactly (not 5g2 or 15g): the snippet agrees.
    expect(highlightSnippet('SiC功率器件与5G通信、Sic2、ASiC', 'sic')).toBe('<em>SiC</em>功率器件与5G通信、<em>Sic2</em>、ASiC');
    expect(highlightSnippet('graphene sensors', 'sens')).toBe('graphene <em>sensors</em>');
    expect(highlightSnippet('5G通信与15G、5G2', '5g')).toBe('<em>5G</em>通信与15G、5G2');
  });

  it('escapes HTML in the text', () => {
    expect(highlightSnippet('<b>碳化硅</b> & "SiC" \'模块\'', '碳化硅')).toBe(
      '&lt;b&gt;<em>碳化硅</em>&lt;/b&gt; &amp; &quot;SiC&quot; &#39;模块&#39;',
    );
    expect(highlightSnippet('<script>碳</script>', '<script>')).toBe('&lt;<em>script</em>&gt;碳&lt;/<em>script</em>&gt;');
  });

  it('shows the start of the text when nothing matches or the query is empty', () => {
    expect(highlightSnippet(text, '石墨烯', 10)).toBe('重科智能制造高端研发…');
    expect(highlightSnippet(text, '', 10)).toBe('重科智能制造高端研发…');
  });

  it('collapses whitespace, drops line breaks inside Chinese text, never opens or closes on a space', () => {
    expect(highlightSnippet('  创新\n\n 生态  ', '生态')).toBe('创新<em>生态</em>');
    expect(highlightSnippet('主要目标是：到2025年，\n\n初步形成', '初步')).toBe('主要目标是：到2025年，<em>初步</em>形成');
    expect(highlightSnippet('MEMS\n传感器 and SiC', 'sic')).toBe('MEMS 传感器 and <em>SiC</em>');
    expect(highlightSnippet('abc   defgh 碳化硅', '碳化硅', 6)).toBe('…gh <em>碳化硅</em>');
    expect(highlightSnippet('碳化硅 abc defgh', '碳化硅', 4)).toBe('<em>碳化硅</em>…');
  });

  it('gives a long text the snippet of the text cut just after the window, wherever the match is', () => {
    // Long texts are first searched near their start only: the result must not depend on it.
    const long = ARTICLE.slice(0, 5000);
    const next = seededRandom(99);
    for (let i = 0; i < 200; i++) {
      const at = Math.floor(next() * 4800);
      const query = long.slice(at, at + 2 + Math.floor(next() * 3));
      if (!/^\p{Script=Han}+$/u.test(query)) continue;
      const first = long.indexOf(query);
      expect([query, highlightSnippet(long, query)]).toEqual([query, highlightSnippet(long.slice(0, first + 150), query)]);
    }
    expect(highlightSnippet(`碳化硅功率模块${'，科技创新'.repeat(200)}`, '碳化硅', 10)).toBe('<em>碳化硅</em>功率模块，科技…');
    expect(highlightSnippet(`${'科技'.repeat(400)}碳化硅`, '碳化硅', 5)).toBe('…科技<em>碳化硅</em>');
  });

  it('gives the same snippet on the plain fast path as on the general one', () => {
    // A zero-width space is dropped from display text but sends it down the general path.
    const next = seededRandom(2026);
    const words = ['MEMS', ' SiC ', '5G', 'ＡＩ', 'ｓｉｃ', 'a b', ' ', '  ', '(x)', '<em>', '&'];
    for (let i = 0; i < 500; i++) {
      const at = Math.floor(next() * (ARTICLE.length - 200));
      const chars = [...ARTICLE.slice(at, at + 20 + Math.floor(next() * 180)).replace(/\s+/g, '')];
      for (let k = Math.floor(next() * 4); k > 0; k--)
        chars.splice(Math.floor(next() * chars.length), 0, words[Math.floor(next() * words.length)]);
      const text = chars.join('');
      const from = Math.floor(next() * Math.max(1, text.length - 4));
      const piece = text.slice(from, from + 1 + Math.floor(next() * 4));
      for (const query of [piece, piece.replace(/ /g, ''), words[i % words.length].trim() || '5G', '碳化矽']) {
        const limit = 20 + Math.floor(next() * 80);
        expect([text, query, highlightSnippet(text, query, limit)]).toEqual([text, query, highlightSnippet(`${text}\u200b`, query, limit)]);
      }
    }
  });

  it('keeps surrogate pairs whole', () => {
    expect(highlightSnippet('𠀀𠀀𠀀碳化硅𠀀𠀀𠀀', '碳化硅', 7)).toBe('…𠀀<em>碳化硅</em>𠀀𠀀𠀀');
  });
});
