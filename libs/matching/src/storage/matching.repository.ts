import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { poolRunner, type SqlRunner } from '#yizhi/core';
import type { DataSource, EntityManager } from 'typeorm';
import { MATCH_TEXT } from '../scoring/match-weights.js';
import type { MatchReason } from '../scoring/match-score.js';
import type { TermVector } from '../text/term-analyzer.js';
import type { MatchKind } from './match-profile.entity.js';

/** BM25's inverse document frequency (the +1 keeps it positive for terms in most documents). */
export const idf = (documents: number, df: number) => Math.log(1 + (documents - df + 0.5) / (df + 0.5));
/** How much a query term counts by its own weighted frequency: 1 once, saturating towards 2. */
export const queryWeight = (tf: number) => (2 * tf) / (tf + 1);

export interface CorpusStats {
  documents: number;
  averageLength: number;
}

/** A candidate listing for a need, with its BM25 and the shared terms by contribution. */
export interface ListingCandidate {
  id: string;
  field: string;
  maturity: number;
  askingPrice: bigint | null;
  region: string | null;
  publishedAt: Date | null;
  bm25: number;
  terms: string[];
}

/** A candidate need for a listing; the pair is scored with the need as the query, so its ideal comes along. */
export interface NeedCandidate {
  id: string;
  field: string;
  maturityMin: number | null;
  budgetMin: bigint;
  budgetMax: bigint | null;
  region: string | null;
  publishedAt: Date | null;
  bm25: number;
  ideal: number;
  terms: string[];
}

export interface StoredMatch {
  otherId: string;
  score: number;
  reasons: MatchReason[];
}

const { k1, b } = MATCH_TEXT;

/** Every query of matching: profiles and their document frequencies, candidates, stored matches. */
@Injectable()
export class MatchingRepository {
  private readonly run: SqlRunner;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.run = poolRunner(dataSource);
  }

  /**
   * Replaces an item's profile (null removes it) and moves the corpus figures and the document
   * frequencies with it, the latter in one statement sorted by term so that concurrent jobs lock
   * the same rows in the same order.
   */
  async saveProfile(manager: EntityManager, kind: MatchKind, itemId: string, vector: TermVector | null): Promise<void> {
    const [old] = (await manager.query('SELECT terms, length FROM match_profile WHERE kind = $1 AND item_id = $2 FOR UPDATE', [
      kind,
      itemId,
    ])) as { terms: string[]; length: number }[];
    const before = new Set(old?.terms ?? []);
    const after = new Set(vector?.keys() ?? []);
    const changes = new Map<string, number>();
    for (const term of before) if (!after.has(term)) changes.set(term, -1);
    for (const term of after) if (!before.has(term)) changes.set(term, 1);
    const kept = vector !== null && vector.size > 0;
    const length = kept ? [...vector.values()].reduce((sum, tf) => sum + tf, 0) : 0;
    if (kept) {
      const terms = [...vector.keys()];
      await manager.query(
        `INSERT INTO match_profile (kind, item_id, terms, tfs, length) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, item_id) DO UPDATE SET terms = EXCLUDED.terms, tfs = EXCLUDED.tfs, length = EXCLUDED.length, updated_at = now()`,
        [kind, itemId, terms, terms.map((t) => vector.get(t)), length],
      );
    } else if (old) {
      await manager.query('DELETE FROM match_profile WHERE kind = $1 AND item_id = $2', [kind, itemId]);
    }
    const documents = (kept ? 1 : 0) - (old ? 1 : 0);
    if (documents !== 0 || length !== (old?.length ?? 0)) {
      await manager.query('UPDATE match_corpus SET documents = documents + $2, total_length = total_length + $3 WHERE kind = $1', [
        kind,
        documents,
        length - (old?.length ?? 0),
      ]);
    }
    if (!changes.size) return;
    const terms = [...changes.keys()].sort();
    await manager.query(
      `INSERT INTO match_term_df AS d (kind, term, df)
       SELECT $1, c.term, c.delta FROM unnest($2::text[], $3::int[]) AS c(term, delta) ORDER BY c.term
       ON CONFLICT (kind, term) DO UPDATE SET df = d.df + EXCLUDED.df`,
      [kind, terms, terms.map((t) => changes.get(t))],
    );
  }

  async corpusStats(kind: MatchKind): Promise<CorpusStats> {
    const [row] = (await this.run(
      'SELECT documents, CASE WHEN documents > 0 THEN total_length::float8 / documents ELSE 1 END AS length FROM match_corpus WHERE kind = $1',
      [kind],
    )) as { documents: number; length: number }[];
    return { documents: row.documents, averageLength: row.length };
  }

  async documentFrequencies(kind: MatchKind, terms: readonly string[]): Promise<Map<string, number>> {
    const rows = (await this.run('SELECT term, df FROM match_term_df WHERE kind = $1 AND term = ANY($2)', [kind, terms])) as {
      term: string;
      df: number;
    }[];
    return new Map(rows.map((row) => [row.term, row.df]));
  }

  /**
   * Published, valid listings sharing a retrieval term with the need, ranked by BM25 of the need's
   * weighted terms (weight = idf × query weight × (k1 + 1)), at most `limit`; dismissed ones left out.
   */
  async listingCandidates(query: {
    terms: string[];
    weights: number[];
    retrieval: string[];
    stats: CorpusStats;
    today: string;
    limit: number;
    needId: string | null;
  }): Promise<ListingCandidate[]> {
    const rows = (await this.run(
      `WITH scored AS (
         SELECT p.item_id, sum(q.w * t.tf / (t.tf + $4::float8 * (1 - $5::float8 + $5::float8 * p.length / $6::float8))) AS bm25,
                array_agg(q.term ORDER BY q.w * t.tf / (t.tf + $4::float8 * (1 - $5::float8 + $5::float8 * p.length / $6::float8)) DESC) AS terms
           FROM match_profile p
          CROSS JOIN LATERAL unnest(p.terms, p.tfs) AS t(term, tf)
           JOIN unnest($1::text[], $2::float8[]) AS q(term, w) ON q.term = t.term
          WHERE p.kind = 'listing' AND p.terms && $3::text[]
          GROUP BY p.item_id
          ORDER BY bm25 DESC, p.item_id
          LIMIT $7::int)
       SELECT l.id, l.field, l.maturity, l.asking_price, l.region, l.published_at, s.bm25, s.terms
         FROM scored s JOIN listing l ON l.id = s.item_id
        WHERE l.status = 'published' AND l.valid_until >= $8::date
          AND NOT EXISTS (SELECT 1 FROM match_dismissal d WHERE d.need_id = $9::uuid AND d.listing_id = l.id)
        ORDER BY s.bm25 DESC, l.id`,
      [query.terms, query.weights, query.retrieval, k1, b, query.stats.averageLength, query.limit, query.today, query.needId],
    )) as {
      id: string;
      field: string;
      maturity: number;
      asking_price: string | null;
      region: string | null;
      published_at: Date | null;
      bm25: number;
      terms: string[];
    }[];
    return rows.map((r) => ({
      id: r.id,
      field: r.field,
      maturity: r.maturity,
      askingPrice: r.asking_price === null ? null : BigInt(r.asking_price),
      region: r.region,
      publishedAt: r.published_at,
      bm25: r.bm25,
      terms: r.terms,
    }));
  }

  /**
   * Published needs sharing a term with the listing, each scored with its own terms as the query
   * over this listing (`saturation` = (k1 + 1) · tf / (tf + k1 · norm) of the listing's terms), idf from
   * the listing corpus; ranked by BM25 ÷ the need's ideal, at most `limit`.
   */
  async needCandidates(listing: {
    listingId: string;
    terms: string[];
    saturation: number[];
    documents: number;
    limit: number;
  }): Promise<NeedCandidate[]> {
    const rows = (await this.run(
      `WITH scored AS (
         SELECT p.item_id,
                sum(x.w * coalesce(l.sat, 0)) AS bm25,
                sum(x.w * ($4::float8 + 1)) AS ideal,
                array_agg(t.term ORDER BY x.w * coalesce(l.sat, 0) DESC) FILTER (WHERE l.sat IS NOT NULL) AS terms
           FROM match_profile p
          CROSS JOIN LATERAL unnest(p.terms, p.tfs) AS t(term, tf)
           LEFT JOIN match_term_df d ON d.kind = 'listing' AND d.term = t.term
           LEFT JOIN unnest($1::text[], $2::float8[]) AS l(term, sat) ON l.term = t.term
          CROSS JOIN LATERAL (SELECT ln(1 + ($3::float8 - coalesce(d.df, 0) + 0.5) / (coalesce(d.df, 0) + 0.5)) * 2 * t.tf / (t.tf + 1) AS w) x
          WHERE p.kind = 'need' AND p.terms && $1::text[]
          GROUP BY p.item_id
          ORDER BY sum(x.w * coalesce(l.sat, 0)) / nullif(sum(x.w * ($4::float8 + 1)), 0) DESC NULLS LAST, p.item_id
          LIMIT $5::int)
       SELECT n.id, n.field, n.maturity_min, n.budget_min, n.budget_max, n.region, n.published_at, s.bm25, s.ideal, s.terms
         FROM scored s JOIN need n ON n.id = s.item_id
        WHERE n.status = 'published'
          AND NOT EXISTS (SELECT 1 FROM match_dismissal d WHERE d.need_id = n.id AND d.listing_id = $6::uuid)
        ORDER BY s.bm25 / nullif(s.ideal, 0) DESC NULLS LAST, n.id`,
      [listing.terms, listing.saturation, listing.documents, k1, listing.limit, listing.listingId],
    )) as {
      id: string;
      field: string;
      maturity_min: number | null;
      budget_min: string;
      budget_max: string | null;
      region: string | null;
      published_at: Date | null;
      bm25: number;
      ideal: number;
      terms: string[] | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      field: r.field,
      maturityMin: r.maturity_min,
      budgetMin: BigInt(r.budget_min),
      budgetMax: r.budget_max === null ? null : BigInt(r.budget_max),
      region: r.region,
      publishedAt: r.published_at,
      bm25: r.bm25,
      ideal: r.ideal,
      terms: r.terms ?? [],
    }));
  }

  /** Replaces an item's stored matches and records the version they were computed from. */
  async storeMatches(manager: EntityManager, kind: MatchKind, itemId: string, version: string, matches: StoredMatch[]): Promise<void> {
    await manager.query('DELETE FROM match_result WHERE kind = $1 AND item_id = $2', [kind, itemId]);
    if (matches.length)
      await manager.query(
        `INSERT INTO match_result (kind, item_id, other_id, score, reasons, computed_at)
         SELECT $1, $2, m.other_id, m.score, m.reasons, now() FROM jsonb_to_recordset($3::jsonb) AS m(other_id uuid, score numeric, reasons jsonb)`,
        [kind, itemId, JSON.stringify(matches.map((m) => ({ other_id: m.otherId, score: m.score, reasons: m.reasons })))],
      );
    await manager.query(
      `INSERT INTO match_state (kind, item_id, version, computed_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (kind, item_id) DO UPDATE SET version = EXCLUDED.version, computed_at = EXCLUDED.computed_at`,
      [kind, itemId, version],
    );
  }

  /**
   * Puts the pair into the counterpart's stored matches too (a newly published listing appears in
   * the matches of the needs it suits at once), keeping each list to its best `keep`.
   */
  async offerToCounterparts(manager: EntityManager, kind: MatchKind, itemId: string, matches: StoredMatch[], keep: number): Promise<void> {
    if (!matches.length) return;
    const other: MatchKind = kind === 'need' ? 'listing' : 'need';
    await manager.query(
      `INSERT INTO match_result (kind, item_id, other_id, score, reasons, computed_at)
       SELECT $1, m.other_id, $2, m.score, m.reasons, now() FROM jsonb_to_recordset($3::jsonb) AS m(other_id uuid, score numeric, reasons jsonb)
        WHERE EXISTS (SELECT 1 FROM match_state s WHERE s.kind = $1 AND s.item_id = m.other_id)
        ORDER BY m.other_id
       ON CONFLICT (kind, item_id, other_id) DO UPDATE SET score = EXCLUDED.score, reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at`,
      [other, itemId, JSON.stringify(matches.map((m) => ({ other_id: m.otherId, score: m.score, reasons: m.reasons })))],
    );
    await manager.query(
      `DELETE FROM match_result r USING (
         SELECT kind, item_id, other_id, row_number() OVER (PARTITION BY item_id ORDER BY score DESC, other_id) AS position
           FROM match_result WHERE kind = $1 AND item_id = ANY($2::uuid[])) ranked
        WHERE r.kind = ranked.kind AND r.item_id = ranked.item_id AND r.other_id = ranked.other_id AND ranked.position > $3::int`,
      [other, matches.map((m) => m.otherId), keep],
    );
  }

  /** Drops an item's stored matches, its state, and its place in others' lists. */
  async dropMatches(manager: EntityManager, kind: MatchKind, itemId: string): Promise<void> {
    const other: MatchKind = kind === 'need' ? 'listing' : 'need';
    await manager.query('DELETE FROM match_result WHERE (kind = $1 AND item_id = $2) OR (kind = $3 AND other_id = $2)', [
      kind,
      itemId,
      other,
    ]);
    await manager.query('DELETE FROM match_state WHERE kind = $1 AND item_id = $2', [kind, itemId]);
  }

  async state(kind: MatchKind, itemId: string): Promise<{ version: string; computedAt: Date } | null> {
    const [row] = (await this.run('SELECT version, computed_at FROM match_state WHERE kind = $1 AND item_id = $2', [kind, itemId])) as {
      version: string;
      computed_at: Date;
    }[];
    return row ? { version: row.version, computedAt: row.computed_at } : null;
  }

  /**
   * Stored matches whose counterpart is still published (and, for listings, valid) and not
   * dismissed for the need, best first.
   */
  async storedMatches(kind: MatchKind, itemId: string, today: string, limit: number): Promise<StoredMatch[]> {
    const counterpart =
      kind === 'need'
        ? `JOIN listing o ON o.id = r.other_id AND o.status = 'published' AND o.valid_until >= $3::date
           WHERE NOT EXISTS (SELECT 1 FROM match_dismissal d WHERE d.need_id = r.item_id AND d.listing_id = r.other_id)`
        : `JOIN need o ON o.id = r.other_id AND o.status = 'published'
           WHERE NOT EXISTS (SELECT 1 FROM match_dismissal d WHERE d.need_id = r.other_id AND d.listing_id = r.item_id) AND $3::date IS NOT NULL`;
    const rows = (await this.run(
      `SELECT r.other_id, r.score, r.reasons FROM match_result r ${counterpart} AND r.kind = $1 AND r.item_id = $2
        ORDER BY r.score DESC, r.other_id LIMIT $4::int`,
      [kind, itemId, today, limit],
    )) as { other_id: string; score: string; reasons: MatchReason[] }[];
    // numeric(5,4) arrives as text ("0.8123"): exactly the four decimals the score was rounded to.
    return rows.map((r) => ({ otherId: r.other_id, score: Number(r.score), reasons: r.reasons }));
  }
}
