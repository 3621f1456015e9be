import { Check, Column, Entity, Index } from 'typeorm';
import { Money, moneyTransformer } from '#yizhi/core';
import { CatalogItem } from '../shared/catalog-item.js';

/** How a result may change hands (转让, 许可, 作价入股, 合作开发). */
export enum TransferMode {
  Transfer = 'transfer',
  License = 'license',
  Equity = 'equity',
  Codevelopment = 'codevelopment',
}

/** A research result (科技成果) listed by an institute. */
@Entity('listing')
@Check('listing_maturity_check', 'maturity BETWEEN 1 AND 9')
@Index('listing_owner_idx', ['ownerOrganizationId', 'createdAt'])
@Index('listing_search_vector_idx', ['searchVector'], { type: 'gin' })
@Index('listing_title_vector_idx', ['titleVector'], { type: 'gin' })
// gin (title gin_trgm_ops) for fuzzy title search: the metadata cannot name an operator class, so
// the migration creates it and the drift check leaves it alone.
@Index('listing_title_trgm_idx', { synchronize: false })
// (published_at, id) INCLUDE (… title_vector) for index-only search walks: the metadata cannot say INCLUDE either.
@Index('listing_published_walk_idx', { synchronize: false })
@Index('listing_published_idx', ['publishedAt', 'id'], { where: "status = 'published'" })
@Index('listing_field_published_idx', ['fieldCode', 'publishedAt', 'id'], { where: "status = 'published'" })
export class Listing extends CatalogItem {
  @Column({ type: 'text' })
  summary: string;

  /** Technology readiness level, 1–9. */
  @Column({ type: 'smallint' })
  maturity: number;

  @Column({ name: 'transfer_modes', type: 'enum', enum: TransferMode, enumName: 'transfer_mode', array: true })
  transferModes: TransferMode[];

  /** null is 面议 (negotiable). */
  @Column({ name: 'asking_price', type: 'bigint', nullable: true, transformer: moneyTransformer })
  askingPrice: Money | null;

  /** CNIPA application numbers in canonical form (`202110123456.X`). */
  @Column({ name: 'patent_numbers', type: 'text', array: true, default: () => "'{}'" })
  patentNumbers: string[];

  /** Only an admin sets it, in the review: a major result (重大成果) counts toward the program's target. */
  @Column({ type: 'boolean', default: false })
  major: boolean;

  /** The last day the offer stands; null until published (then one year unless the owner chose). */
  @Column({ name: 'valid_until', type: 'date', nullable: true })
  validUntil: string | null;

  /** When the expiry job noticed validUntil had passed; cleared by a renewal. */
  @Column({ name: 'expired_at', type: 'timestamptz', nullable: true })
  expiredAt: Date | null;
}
