import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One technology field of the taxonomy (技术领域); listings, needs and deals carry its code. */
@Entity('field')
export class Field {
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'sort_order', type: 'smallint' })
  sortOrder: number;
}
