import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '#yizhi/identity';

/**
 * A closed calendar month (YYYY-MM). A month is open until an admin closes it; after that, deals
 * signed in it are no longer created, edited or moved, and corrections go through adjustments
 * dated in an open month, so that the month's totals stay as they were reported.
 */
@Entity('period')
export class Period {
  @PrimaryColumn({ type: 'char', length: 7, primaryKeyConstraintName: 'period_pkey' })
  month: string;

  @Column({ name: 'closed_at', type: 'timestamptz' })
  closedAt: Date;

  @Column({ name: 'closed_by_id', type: 'uuid' })
  closedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'closed_by_id', foreignKeyConstraintName: 'period_closed_by_id_fkey' })
  closedBy?: User;
}
