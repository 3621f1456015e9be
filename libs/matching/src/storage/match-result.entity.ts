import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { MatchReason } from '../scoring/match-score.js';
import type { MatchKind } from './match-profile.entity.js';

/** A stored match: for the item (`kind`, `itemId`), the counterpart `otherId` (a listing for a need, a need for a listing). */
@Entity('match_result')
@Index('match_result_ranking_idx', ['kind', 'itemId', 'score'])
export class MatchResult {
  @PrimaryColumn({ type: 'text' })
  kind: MatchKind;

  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId: string;

  @PrimaryColumn({ name: 'other_id', type: 'uuid' })
  otherId: string;

  /** A unitless relevance in [0, 1] with four decimals, stored exactly (numeric, not a float). */
  @Column({ type: 'numeric', precision: 5, scale: 4 })
  score: string;

  @Column({ type: 'jsonb' })
  reasons: MatchReason[];

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt: Date;
}

/** When an item's matches were computed, and from which version of it (its updated_at). */
@Entity('match_state')
export class MatchState {
  @PrimaryColumn({ type: 'text' })
  kind: MatchKind;

  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId: string;

  @Column({ type: 'text' })
  version: string;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt: Date;
}
