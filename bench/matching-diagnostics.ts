/**
 * Diagnostic variants for `npm run bench:matching`, not the application's code.
 *
 * - CapturingRepository records the arguments MatchingEngine.listingsForNeed gives the candidate
 *   statement, so that the statement can be timed alone with exactly those arguments.
 * - BudgetedRetrievalRepository measures one way to bound the candidate statement's work: the
 *   engine retrieves with up to 12 of the rarest terms that some listing contains, however many
 *   profiles they reach (a need with few distinctive words reaches tens of thousands); this variant
 *   adds retrieval terms rarest first only while their document frequencies sum to at most a
 *   budget (always at least the rarest one), and keeps everything else of the engine.
 */
import type { DataSource } from 'typeorm';
import { MATCH_TEXT, MatchingRepository, type ListingCandidate } from '#yizhi/matching';

export type CandidateQuery = Parameters<MatchingRepository['listingCandidates']>[0];

/** Postings (Σ df of the retrieval terms) the budgeted variant may reach. */
export const RETRIEVAL_BUDGET = 2_000;

/** Records the last arguments of listingCandidates. */
export class CapturingRepository extends MatchingRepository {
  private last: CandidateQuery | null = null;

  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  override listingCandidates(query: CandidateQuery): Promise<ListingCandidate[]> {
    this.last = query;
    return super.listingCandidates(query);
  }

  /** The last arguments, once. */
  take(): CandidateQuery | null {
    const query = this.last;
    this.last = null;
    return query;
  }
}

/** The rarest present terms, rarest first, while their df sum stays within `budget` (at least one). */
export function budgetedRetrieval(
  terms: readonly string[],
  frequencies: ReadonlyMap<string, number>,
  budget = RETRIEVAL_BUDGET,
  count = MATCH_TEXT.retrievalTerms,
): string[] {
  const present = terms
    .filter((t) => (frequencies.get(t) ?? 0) > 0)
    .map((t) => [t, frequencies.get(t)!] as const)
    .sort((x, y) => x[1] - y[1]);
  const chosen: string[] = [];
  let postings = 0;
  for (const [term, df] of present) {
    if (chosen.length >= count || (chosen.length > 0 && postings + df > budget)) break;
    chosen.push(term);
    postings += df;
  }
  return chosen;
}

/** MatchingRepository whose listingCandidates retrieves by budgetedRetrieval instead of the engine's choice. */
export class BudgetedRetrievalRepository extends MatchingRepository {
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  override async listingCandidates(query: CandidateQuery): Promise<ListingCandidate[]> {
    const frequencies = await this.documentFrequencies('listing', query.terms);
    return super.listingCandidates({ ...query, retrieval: budgetedRetrieval(query.terms, frequencies) });
  }
}
