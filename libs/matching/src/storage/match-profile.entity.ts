import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type MatchKind = 'listing' | 'need';

/**
 * The terms of a published catalogue item, as matching reads them: canonical terms with their
 * weighted frequencies (parallel arrays) and the document's weighted length. An item has a profile
 * exactly while it is published (and, for a listing, valid); the matching job keeps it so.
 */
@Entity('match_profile')
@Index('match_profile_terms_idx', ['terms'], { type: 'gin' })
export class MatchProfile {
  @PrimaryColumn({ type: 'text' })
  kind: MatchKind;

  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId: string;

  @Column({ type: 'text', array: true })
  terms: string[];

  /** Weighted counts: a title or keyword occurrence counts MATCH_TEXT.headlineWeight, a body one 1. */
  @Column({ type: 'integer', array: true })
  tfs: number[];

  /** The sum of tfs. */
  @Column({ type: 'integer' })
  length: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** In how many profiles of a kind each term appears: BM25's document frequency, kept with the profiles. */
@Entity('match_term_df')
export class MatchTermDf {
  @PrimaryColumn({ type: 'text' })
  kind: MatchKind;

  @PrimaryColumn({ type: 'text' })
  term: string;

  @Column({ type: 'integer' })
  df: number;
}

/**
 * BM25's corpus figures per kind, kept with the profiles in the same transaction, so that a
 * ranking reads one row instead of counting and averaging every profile.
 */
@Entity('match_corpus')
export class MatchCorpus {
  @PrimaryColumn({ type: 'text' })
  kind: MatchKind;

  /** How many profiles of this kind exist. */
  @Column({ type: 'integer' })
  documents: number;

  /** The sum of their lengths. */
  @Column({ name: 'total_length', type: 'bigint' })
  totalLength: string;
}
