/**
 * Quality of need → listing matching on the evaluation set (test/fixtures/matching-eval.json): the
 * ranking metrics, and the naive baseline the engine has to beat. Shared by `npm run bench:matching`
 * and test/matching/matching-quality.e2e-spec.ts, so that both measure the same thing.
 *
 * Pure TypeScript, no database and no application code: the baseline must not borrow the engine's
 * dictionary, synonyms or analyser.
 */
import { readFileSync } from 'node:fs';

// ---------------------------------------------------------------- the evaluation set

export interface EvalListing {
  key: string;
  title: string;
  summary: string;
  field: string;
  keywords: string[];
  maturity: number;
  transferModes: string[];
  /** Yuan as a decimal string; null is 面议. */
  askingPrice: string | null;
  region: string;
}

export interface EvalNeed {
  key: string;
  title: string;
  description: string;
  field: string;
  keywords: string[];
  /** Yuan as decimal strings; budgetMax null is no upper bound. */
  budgetMin: string;
  budgetMax: string | null;
  maturityMin?: number | null;
  region: string;
}

export type HardCaseKind = 'synonym' | 'homonym' | 'latin' | 'same-field-distractor';

export interface HardCase {
  need: string;
  kind: HardCaseKind;
  note: string;
}

/** Listing key → grade: 3 solves the need, 2 strongly related, 1 weakly related; absent is 0. */
export type Grades = Readonly<Record<string, number>>;

export interface EvalSet {
  description: string;
  listings: EvalListing[];
  needs: EvalNeed[];
  /** Need key → its graded listings. */
  judgments: Readonly<Record<string, Grades>>;
  hardCases: HardCase[];
}

export function loadEvalSet(file: string): EvalSet {
  const set = JSON.parse(readFileSync(file, 'utf8')) as EvalSet;
  const listings = new Set(set.listings.map((l) => l.key));
  for (const need of set.needs) {
    const grades = set.judgments[need.key];
    if (!grades || !Object.keys(grades).length) throw new Error(`${file}: need ${need.key} has no judgments`);
    for (const key of Object.keys(grades)) if (!listings.has(key)) throw new Error(`${file}: ${need.key} judges unknown listing ${key}`);
  }
  return set;
}

// ---------------------------------------------------------------- metrics

export const RELEVANT_GRADE = 2;

const gain = (grade: number) => 2 ** grade - 1;
const discount = (position: number) => Math.log2(position + 1); // position is 1-based

function dcg(grades: readonly number[], k: number): number {
  let sum = 0;
  for (let i = 0; i < Math.min(k, grades.length); i++) sum += gain(grades[i]) / discount(i + 1);
  return sum;
}

/** nDCG@k: gain 2^grade − 1, log2 discount, the ideal from the judgments. */
export function ndcgAt(ranked: readonly string[], grades: Grades, k = 10): number {
  const ideal = dcg(
    Object.values(grades).sort((x, y) => y - x),
    k,
  );
  if (ideal === 0) return 0;
  return (
    dcg(
      ranked.map((key) => grades[key] ?? 0),
      k,
    ) / ideal
  );
}

/** The share of the top k with a grade ≥ 2 (a short list counts its missing places as misses). */
export function precisionAt(ranked: readonly string[], grades: Grades, k = 5): number {
  return ranked.slice(0, k).filter((key) => (grades[key] ?? 0) >= RELEVANT_GRADE).length / k;
}

/** 1 when a listing with a grade ≥ 2 is in the top k. */
export function hitAt(ranked: readonly string[], grades: Grades, k = 3): number {
  return ranked.slice(0, k).some((key) => (grades[key] ?? 0) >= RELEVANT_GRADE) ? 1 : 0;
}

/** The 1-based rank of `key`, or null when it is not in the list. */
export function rankOf(ranked: readonly string[], key: string): number | null {
  const index = ranked.indexOf(key);
  return index < 0 ? null : index + 1;
}

/** The need's best-graded listing (the first key on a tie). */
export function bestListing(grades: Grades): string {
  return Object.entries(grades).sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0][0];
}

export interface QualityMetrics {
  ndcg10: number;
  precision5: number;
  hit3: number;
}

export interface NeedQuality extends QualityMetrics {
  need: string;
  /** The rank of the best-graded listing (null: not returned). */
  bestRank: number | null;
  /** The top 10, as listing keys. */
  top: string[];
}

export interface Evaluation {
  mean: QualityMetrics;
  perNeed: NeedQuality[];
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** Every metric per need and their means over the set's needs; a need without a ranking scores 0. */
export function evaluate(set: EvalSet, rankings: ReadonlyMap<string, readonly string[]>): Evaluation {
  const perNeed = set.needs.map((need): NeedQuality => {
    const ranked = rankings.get(need.key) ?? [];
    const grades = set.judgments[need.key];
    return {
      need: need.key,
      ndcg10: round4(ndcgAt(ranked, grades, 10)),
      precision5: round4(precisionAt(ranked, grades, 5)),
      hit3: hitAt(ranked, grades, 3),
      bestRank: rankOf(ranked, bestListing(grades)),
      top: ranked.slice(0, 10),
    };
  });
  const mean = (pick: (q: NeedQuality) => number) => round4(perNeed.reduce((sum, q) => sum + pick(q), 0) / Math.max(1, perNeed.length));
  return { mean: { ndcg10: mean((q) => q.ndcg10), precision5: mean((q) => q.precision5), hit3: mean((q) => q.hit3) }, perNeed };
}

export interface HardCaseRow {
  need: string;
  kind: HardCaseKind;
  best: string;
  engineRank: number | null;
  baselineRank: number | null;
  /** The engine's best-graded listing is not in its top 3. */
  failing: boolean;
}

/** Per hard case: where each side ranks the need's best-graded listing. */
export function hardCaseRows(
  set: EvalSet,
  engine: ReadonlyMap<string, readonly string[]>,
  baseline: ReadonlyMap<string, readonly string[]>,
): HardCaseRow[] {
  return set.hardCases.map((hard) => {
    const best = bestListing(set.judgments[hard.need]);
    const engineRank = rankOf(engine.get(hard.need) ?? [], best);
    return {
      need: hard.need,
      kind: hard.kind,
      best,
      engineRank,
      baselineRank: rankOf(baseline.get(hard.need) ?? [], best),
      failing: engineRank === null || engineRank > 3,
    };
  });
}

/** The needs where the engine's nDCG@10 is below the baseline's. */
export function engineLosses(engine: Evaluation, baseline: Evaluation): { need: string; engine: number; baseline: number }[] {
  const byNeed = new Map(baseline.perNeed.map((q) => [q.need, q.ndcg10]));
  return engine.perNeed
    .filter((q) => q.ndcg10 < (byNeed.get(q.need) ?? 0))
    .map((q) => ({ need: q.need, engine: q.ndcg10, baseline: byNeed.get(q.need) ?? 0 }));
}

// ---------------------------------------------------------------- the naive baseline

export const NAIVE_BM25 = { k1: 1.2, b: 0.75 } as const;

/**
 * Character bigrams of each run of Han characters (the character itself for a run of one), and
 * each run of Latin letters and digits as one lower-cased word. NFKC first, so that full-width
 * letters and digits are the ASCII ones. No dictionary, no synonyms.
 */
export function naiveTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const [, han, latin] of text.normalize('NFKC').matchAll(/(\p{Script=Han}+)|([A-Za-z0-9]+)/gu)) {
    if (latin) {
      tokens.push(latin.toLowerCase());
      continue;
    }
    const chars = [...han];
    if (chars.length === 1) tokens.push(chars[0]);
    else for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i] + chars[i + 1]);
  }
  return tokens;
}

/** The tokens of several texts, each cut on its own (no bigram bridges two keywords or two fields). */
const tokensOf = (texts: readonly string[]) => texts.flatMap(naiveTokens);

export const listingTokens = (listing: Pick<EvalListing, 'title' | 'keywords' | 'summary'>) =>
  tokensOf([listing.title, ...listing.keywords, listing.summary]);
export const needTokens = (need: Pick<EvalNeed, 'title' | 'keywords' | 'description'>) =>
  tokensOf([need.title, ...need.keywords, need.description]);

/**
 * Okapi BM25 (k1 1.2, b 0.75) over naiveTokens of listing title + keywords + summary, in memory;
 * the query is the need's title + keywords + description, each distinct token once; idf is
 * ln(1 + (N − df + 0.5) / (df + 0.5)). Nothing else: no field, price, maturity or region.
 */
export class NaiveBm25 {
  private readonly documents: { key: string; tf: Map<string, number>; length: number }[];
  private readonly df = new Map<string, number>();
  private readonly averageLength: number;

  constructor(listings: readonly EvalListing[]) {
    this.documents = listings.map((listing) => {
      const tokens = listingTokens(listing);
      const tf = new Map<string, number>();
      for (const token of tokens) tf.set(token, (tf.get(token) ?? 0) + 1);
      for (const token of tf.keys()) this.df.set(token, (this.df.get(token) ?? 0) + 1);
      return { key: listing.key, tf, length: tokens.length };
    });
    this.averageLength = this.documents.reduce((sum, d) => sum + d.length, 0) / Math.max(1, this.documents.length);
  }

  private idf(token: string): number {
    const n = this.documents.length;
    const df = this.df.get(token) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Every listing's score for the need, best first (ties by key). */
  rank(need: Pick<EvalNeed, 'title' | 'keywords' | 'description'>): { key: string; score: number }[] {
    const { k1, b } = NAIVE_BM25;
    const query = [...new Set(needTokens(need))].map((token) => [token, this.idf(token)] as const);
    return this.documents
      .map((doc) => {
        const norm = k1 * (1 - b + (b * doc.length) / this.averageLength);
        let score = 0;
        for (const [token, idf] of query) {
          const tf = doc.tf.get(token);
          if (tf) score += (idf * tf * (k1 + 1)) / (tf + norm);
        }
        return { key: doc.key, score };
      })
      .sort((x, y) => y.score - x.score || x.key.localeCompare(y.key));
  }
}

/** The baseline's ranking of every listing of the set, for every need. */
export function naiveRankings(set: EvalSet): Map<string, string[]> {
  const bm25 = new NaiveBm25(set.listings);
  return new Map(set.needs.map((need) => [need.key, bm25.rank(need).map((r) => r.key)]));
}
