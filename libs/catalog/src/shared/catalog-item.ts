import { Column, CreateDateColumn, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Field } from '#yizhi/fields';
import { Organization } from '#yizhi/identity';
import { CatalogStatus } from '../lifecycle/catalog-status.js';
import type { Contact } from './contact.js';

/**
 * The columns listings and needs share: owner, texts, field, review state and the search vector.
 * Each subclass is its own table.
 */
export abstract class CatalogItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_organization_id', type: 'uuid' })
  ownerOrganizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_organization_id' })
  owner?: Organization;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'field', type: 'text' })
  fieldCode: string;

  @ManyToOne(() => Field, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'field' })
  field?: Field;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  keywords: string[];

  @Column({ type: 'enum', enum: CatalogStatus, enumName: 'catalog_status', default: CatalogStatus.Draft })
  status: CatalogStatus;

  /** Why an admin rejected it (kept until the next review). */
  @Column({ name: 'review_reason', type: 'text', nullable: true })
  reviewReason: string | null;

  @Column({ type: 'jsonb', nullable: true })
  contact: Contact | null;

  /** A place name as people write it: 重庆市渝北区, 四川省成都市. */
  @Column({ type: 'text', nullable: true })
  region: string | null;

  /** Milliseconds, like created_at: they are keyset keys that round-trip through JavaScript dates. */
  @Column({ name: 'published_at', type: 'timestamptz', precision: 3, nullable: true })
  publishedAt: Date | null;

  /**
   * Unigram and bigram tokens of the texts (title A, keywords B, body C), built by the
   * application: PostgreSQL has no Chinese parser. Its GIN index is declared in the migration.
   */
  @Column({ name: 'search_vector', type: 'tsvector', select: false, nullable: true })
  searchVector?: string | null;

  /**
   * The title and keyword lexemes of search_vector (weights A and B): small enough to stay in the
   * row, so the first search tier checks it without reading the large vector from TOAST.
   */
  @Column({ name: 'title_vector', type: 'tsvector', select: false, nullable: true })
  titleVector?: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
