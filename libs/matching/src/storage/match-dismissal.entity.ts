import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Listing, Need } from '#yizhi/catalog';
import { User } from '#yizhi/identity';

export enum DismissalReason {
  Irrelevant = 'irrelevant',
  TooEarly = 'too_early',
  TooExpensive = 'too_expensive',
  AlreadyKnown = 'already_known',
  Other = 'other',
}

/** An enterprise's "not this one" for a listing matched to its need: the match is hidden for that need. */
@Entity('match_dismissal')
@Index('match_dismissal_reason_idx', ['reason'])
export class MatchDismissal {
  @PrimaryColumn({ name: 'need_id', type: 'uuid' })
  needId: string;

  @ManyToOne(() => Need, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'match_dismissal_need_fkey' })
  need?: Need;

  @PrimaryColumn({ name: 'listing_id', type: 'uuid' })
  listingId: string;

  @ManyToOne(() => Listing, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'listing_id', foreignKeyConstraintName: 'match_dismissal_listing_fkey' })
  listing?: Listing;

  @Column({ type: 'enum', enum: DismissalReason, enumName: 'dismissal_reason' })
  reason: DismissalReason;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'match_dismissal_user_fkey' })
  user?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
