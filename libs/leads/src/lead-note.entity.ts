import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '#yizhi/identity';
import { Lead } from './lead.entity.js';

/** A working note of the base's staff on a lead: append-only, shown to the staff, not to the parties. */
@Entity('lead_note')
@Index('lead_note_lead_idx', ['leadId', 'createdAt'])
export class LeadNote {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'lead_note_pkey' })
  id: string;

  @Column({ name: 'lead_id', type: 'uuid' })
  leadId: string;

  @ManyToOne(() => Lead, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'lead_note_lead_id_fkey' })
  lead?: Lead;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'lead_note_author_id_fkey' })
  author?: User;

  @Column({ type: 'text' })
  body: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
