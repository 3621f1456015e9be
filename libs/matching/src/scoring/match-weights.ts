/**
 * Every weight and constant of the matching score, in one place. docs/matching.md explains each
 * and how they were chosen (on test/fixtures/matching-eval.json, `npm run bench:matching`).
 *
 * score = text × (weight.text + Σ other component × its weight), each component in [0, 1] and the
 * weights summing to 1, so the score is in [0, 1] too: the context re-orders what the text found
 * and cannot promote what it did not.
 */
export const MATCH_WEIGHTS = {
  /** BM25 of the need's terms over the listing's, as a share of what a perfect text would score. */
  text: 0.6,
  /** Same field 1, a related field (field-relations.ts) 0.5, another 0. */
  field: 0.15,
  /** The listing's TRL against the need's maturityMin. */
  maturity: 0.08,
  /** The asking price against the need's budget; 面议 is neutral. */
  price: 0.07,
  /** Same city 1, both in the 成渝 economic circle 0.6, elsewhere 0.2. */
  region: 0.05,
  /** How recently the counterpart was published. */
  freshness: 0.05,
} as const;

/** Text relevance: BM25 over canonical terms (jieba + the domain dictionary + synonyms). */
export const MATCH_TEXT = {
  k1: 1.2,
  b: 0.75,
  /** A title or keyword occurrence counts as this many body occurrences, in documents and queries (an integer: profiles store counts). */
  headlineWeight: 3,
  /** The text component is BM25 ÷ (this share of the query's ideal score), capped at 1. */
  idealShare: 0.5,
  /** At most this many of the query's rarest terms retrieve candidates (all of them score)… */
  retrievalTerms: 12,
  /**
   * …and only while the listings they reach (their document frequencies, summed) stay within this
   * budget: a need's 12 rarest terms can still be common words (生产, 成本), which made the candidate
   * statement read tens of thousands of profiles (p95 1.5 s at 100,000 listings; 40 ms with the budget,
   * same quality on the evaluation set). The rarest term always takes part.
   */
  retrievalBudget: 2_000,
  /** Candidates ranked by text before the other components re-rank them. */
  candidates: 300,
} as const;

export const MATCH_LIMITS = {
  /** Matches stored per item by the worker. */
  stored: 50,
  /** Stored matches older than this are served but refreshed. */
  staleAfterHours: 24,
} as const;

/** Scores of the non-text components. */
export const MATCH_COMPONENTS = {
  relatedField: 0.5,
  /** Without a maturityMin: 0.5, plus a little for a more mature result. */
  maturityPerLevelBelow: 0.3,
  negotiablePrice: 0.5,
  region: { sameCity: 1, chengYu: 0.6, elsewhere: 0.2, unknown: 0.3 },
  /** Fresh for this many days, then linear down to `stalest` at `staleDays`. */
  freshDays: 90,
  staleDays: 730,
  stalest: 0.3,
} as const;
