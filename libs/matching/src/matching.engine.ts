import { Injectable } from '@nestjs/common';
import type { Listing, Need } from '#yizhi/catalog';
import { MATCH_TEXT } from './scoring/match-weights.js';
import { scoreMatch, type ListingFacts, type NeedFacts } from './scoring/match-score.js';
import { idf, MatchingRepository, queryWeight, type StoredMatch } from './storage/matching.repository.js';
import { termVector, type TermVector } from './text/term-analyzer.js';

const { k1, b } = MATCH_TEXT;

export const needFacts = (need: Need): NeedFacts => ({
  field: need.fieldCode,
  maturityMin: need.maturityMin,
  budgetMin: need.budgetMin.fen,
  budgetMax: need.budgetMax?.fen ?? null,
  region: need.region,
});

export const listingFacts = (listing: Listing): ListingFacts => ({
  field: listing.fieldCode,
  maturity: listing.maturity,
  askingPrice: listing.askingPrice?.fen ?? null,
  region: listing.region,
});

export const needVector = (need: Need): TermVector => termVector({ title: need.title, keywords: need.keywords, body: need.description });
export const listingVector = (listing: Listing): TermVector =>
  termVector({ title: listing.title, keywords: listing.keywords, body: listing.summary });

/**
 * Ranks counterparts for an item: candidates by BM25 in PostgreSQL (over the term profiles),
 * then every component of the score (scoreMatch) on the best MATCH_TEXT.candidates of them.
 */
@Injectable()
export class MatchingEngine {
  constructor(private readonly repository: MatchingRepository) {}

  /** The best published, valid listings for a need, not dismissed for it. */
  async listingsForNeed(need: Need, limit: number, today: string, now = new Date()): Promise<StoredMatch[]> {
    const vector = needVector(need);
    if (!vector.size) return [];
    const terms = [...vector.keys()];
    const [stats, frequencies] = await Promise.all([
      this.repository.corpusStats('listing'),
      this.repository.documentFrequencies('listing', terms),
    ]);
    const idfs = terms.map((t) => idf(stats.documents, frequencies.get(t) ?? 0));
    const weights = terms.map((t, i) => idfs[i] * queryWeight(vector.get(t)!) * (k1 + 1));
    const ideal = weights.reduce((sum, w) => sum + w, 0);
    // The rarest terms that listings do use find the candidates (a term no listing has would find
    // nothing), within a budget of listings reached; common ones (检测, 材料) only add to the score.
    const retrieval: string[] = [];
    let reached = 0;
    for (const [term] of terms.map((t, i) => [t, idfs[i]] as const).sort((x, y) => y[1] - x[1])) {
      const df = frequencies.get(term) ?? 0;
      if (df === 0) continue;
      if (retrieval.length === MATCH_TEXT.retrievalTerms || (retrieval.length > 0 && reached + df > MATCH_TEXT.retrievalBudget)) break;
      retrieval.push(term);
      reached += df;
    }
    const candidates = await this.repository.listingCandidates({
      terms,
      weights,
      retrieval,
      stats,
      today,
      limit: MATCH_TEXT.candidates,
      needId: need.id ?? null,
    });
    const facts = needFacts(need);
    return best(
      candidates.map((c) => ({
        otherId: c.id,
        ...scoreMatch(facts, c, { bm25: c.bm25, ideal, terms: c.terms }, c.publishedAt, now),
      })),
      limit,
    );
  }

  /** The published needs a listing suits best, each scored with the need's terms as the query. */
  async needsForListing(listing: Listing, limit: number, now = new Date()): Promise<StoredMatch[]> {
    const vector = listingVector(listing);
    if (!vector.size) return [];
    const terms = [...vector.keys()];
    const stats = await this.repository.corpusStats('listing');
    const length = [...vector.values()].reduce((sum, tf) => sum + tf, 0);
    const norm = 1 - b + (b * length) / stats.averageLength;
    const saturation = terms.map((t) => ((k1 + 1) * vector.get(t)!) / (vector.get(t)! + k1 * norm));
    const candidates = await this.repository.needCandidates({
      listingId: listing.id,
      terms,
      saturation,
      documents: Math.max(stats.documents, 1),
      limit: MATCH_TEXT.candidates,
    });
    const facts = listingFacts(listing);
    return best(
      candidates.map((c) => ({
        otherId: c.id,
        ...scoreMatch(c, facts, { bm25: c.bm25, ideal: c.ideal, terms: c.terms }, c.publishedAt, now),
      })),
      limit,
    );
  }
}

function best(matches: StoredMatch[], limit: number): StoredMatch[] {
  return matches.sort((x, y) => y.score - x.score || (x.otherId < y.otherId ? -1 : 1)).slice(0, limit);
}
