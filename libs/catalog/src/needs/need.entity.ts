import { Check, Column, Entity, Index } from 'typeorm';
import { Money, moneyTransformer } from '#yizhi/core';
import { CatalogItem } from '../shared/catalog-item.js';

/** A technology need (技术需求) posted by an enterprise. */
@Entity('need')
@Check('need_budget_check', 'budget_max IS NULL OR budget_max >= budget_min')
@Check('need_maturity_min_check', 'maturity_min BETWEEN 1 AND 9')
@Index('need_owner_idx', ['ownerOrganizationId', 'createdAt'])
@Index('need_search_vector_idx', ['searchVector'], { type: 'gin' })
@Index('need_title_vector_idx', ['titleVector'], { type: 'gin' })
// gin (title gin_trgm_ops) for fuzzy title search: the metadata cannot name an operator class, so
// the migration creates it and the drift check leaves it alone.
@Index('need_title_trgm_idx', { synchronize: false })
// (published_at, id) INCLUDE (… title_vector) for index-only search walks: the metadata cannot say INCLUDE either.
@Index('need_published_walk_idx', { synchronize: false })
@Index('need_published_idx', ['publishedAt', 'id'], { where: "status = 'published'" })
@Index('need_field_published_idx', ['fieldCode', 'publishedAt', 'id'], { where: "status = 'published'" })
export class Need extends CatalogItem {
  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'budget_min', type: 'bigint', transformer: moneyTransformer })
  budgetMin: Money;

  /** null: no upper bound (面议 above the minimum). */
  @Column({ name: 'budget_max', type: 'bigint', nullable: true, transformer: moneyTransformer })
  budgetMax: Money | null;

  /** The least maturity (TRL 1–9) the enterprise can use; null: any. Matching scores results against it. */
  @Column({ name: 'maturity_min', type: 'smallint', nullable: true })
  maturityMin: number | null;

  /** When the enterprise needs an answer by. */
  @Column({ type: 'date' })
  deadline: string;
}
