import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normalizeText } from '#yizhi/catalog';
import { DOMAIN_TERMS, type FieldCode } from '../data/domain-dictionary.js';
import { SYNONYM_GROUPS } from '../data/synonyms.js';
import { MATCH_TEXT } from '../scoring/match-weights.js';

/** The texts of a catalogue item, strongest first. */
export interface TermDocument {
  title: string;
  keywords: readonly string[];
  body: string;
}

/** Canonical term → weighted frequency (title and keyword occurrences count more than body ones). */
export type TermVector = ReadonlyMap<string, number>;

/**
 * Words that say nothing about which technology a text is about: function words, and the
 * boilerplate of tech-transfer announcements. BM25 would give them little weight anyway; dropping
 * them keeps profiles short and reasons readable.
 */
const STOPWORDS = new Set(
  `的 了 和 与 及 或 等 在 对 为 以 于 将 把 被 从 由 向 其 该 本 此 这 那 各 每 可 能 并 且 而 也 还 又 都 已 已经 可以 能够 进行 通过 采用 利用
   基于 面向 针对 用于 具有 实现 提供 包括 以及 一种 一套 一个 相关 主要 重点 目前 现有 希望 需要 寻求 寻找 要求 合作 单位 企业 公司 我公司
   本公司 团队 项目 产品 成果 技术 方法 系统 装置 设备 研究 研发 开发 设计 应用 领域 问题 方案 能力 水平 方面 工作 情况 过程 方式 作用
   提高 提升 降低 减少 增加 达到 优于 不足 解决 实施 推进 开展 建设 服务 支持 转化 转让 许可 产业化 专利 发明专利 授权 国内 国际 国家
   具备 拥有 形成 完成 已在 左右 以上 以下 以内 不超过 低于 高于 小于 大于 万元 元 年 月 日 个 项 台 套 家 次 条 种 类`.split(/\s+/),
);

const HAN = /^\p{Script=Han}+$/u;
const LATIN = /^[a-z0-9][a-z0-9.+-]*$/;

/** Every dictionary term, normalised as texts are, with the field it is filed under. */
const TERM_FIELD: ReadonlyMap<string, FieldCode> = new Map(
  Object.entries(DOMAIN_TERMS).flatMap(([field, terms]) => terms.map((term) => [normalizeText(term), field as FieldCode] as const)),
);

/** Each term of a synonym group → the group's first term (normalised). */
const CANONICAL: ReadonlyMap<string, string> = new Map(
  SYNONYM_GROUPS.flatMap((group) => group.map((term) => [normalizeText(term), normalizeText(group[0])] as const)),
);

let segmenter: Jieba | undefined;

/**
 * jieba with its bundled dictionary plus ours. Texts are normalised (lower-case Latin, simplified
 * characters) before they are cut, so the dictionary is loaded normalised too. A frequency of 500
 * keeps a term whole without letting it swallow its neighbours (数字人 | 才).
 */
function jieba(): Jieba {
  if (!segmenter) {
    segmenter = Jieba.withDict(dict);
    const terms = new Set([...TERM_FIELD.keys(), ...CANONICAL.keys()].filter((term) => !/\s/.test(term)));
    segmenter.loadDict(Buffer.from([...terms].map((term) => `${term} 500`).join('\n')));
  }
  return segmenter;
}

const LATIN_CHAR = /[a-z0-9]/;

/**
 * jieba's tokens, except that a Latin word is never cut inside: the user dictionary holds short
 * Latin entries (gan, ic, ai), and jieba would otherwise find them inside words (or|gan|ic,
 * tr|ai|ning), whose pieces then map to 氮化镓, 芯片, 人工智能. A token that ends inside a Latin word
 * is extended to the word's end, and the tokens it then covers are dropped; a token that joins a
 * Latin word to Han characters (mems传感器) stays as it is.
 */
function tokens(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  let covered = 0;
  for (const token of jieba().cut(text, false)) {
    const start = Math.max(at, covered);
    at += token.length;
    if (at <= covered) continue;
    let end = at;
    while (end < text.length && LATIN_CHAR.test(text[end - 1]) && LATIN_CHAR.test(text[end])) end++;
    out.push(text.slice(start, end));
    covered = end;
  }
  return out;
}

/** The terms of one text, canonical, in order (repeats kept). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const token of tokens(normalizeText(text))) {
    const word = token.trim();
    if (!word || STOPWORDS.has(word)) continue;
    const known = TERM_FIELD.has(word) || CANONICAL.has(word);
    const kept = known || (HAN.test(word) ? word.length >= 2 : LATIN.test(word) && word.length >= 2 && /[a-z]/.test(word));
    if (kept) out.push(CANONICAL.get(word) ?? word);
  }
  return out;
}

/** A document's weighted term frequencies: title and keywords count MATCH_TEXT.headlineWeight times. */
export function termVector(document: TermDocument): TermVector {
  const vector = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const term of terms(text)) vector.set(term, (vector.get(term) ?? 0) + weight);
  };
  add(document.title, MATCH_TEXT.headlineWeight);
  // 、 keeps two keywords from being read as one word.
  add(document.keywords.join('、'), MATCH_TEXT.headlineWeight);
  add(document.body, 1);
  return vector;
}

/** The field a dictionary term is filed under, if it is one. */
export const fieldOfTerm = (term: string): FieldCode | undefined => TERM_FIELD.get(term);

/** Loads the segmenter now (about 0.4 s), rather than on the first request. */
export function warmUpAnalyzer(): void {
  jieba();
}
