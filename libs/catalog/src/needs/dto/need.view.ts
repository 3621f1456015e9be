import { ApiProperty } from '@nestjs/swagger';
import { Money } from '#yizhi/core';
import { CatalogStatus } from '../../lifecycle/catalog-status.js';
import { ContactDto } from '../../shared/contact.js';
import { Need } from '../need.entity.js';
import type { NeedHitRow } from '../needs.repository.js';

export class NeedView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerOrganizationId: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ example: 'materials' }) field: string;
  @ApiProperty({ type: [String] }) keywords: string[];
  @ApiProperty({ example: '500000.00' }) budgetMin: string;
  @ApiProperty({ type: String, nullable: true, example: '2000000.00' }) budgetMax: string | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 9 }) maturityMin: number | null;
  @ApiProperty({ format: 'date' }) deadline: string;
  @ApiProperty({ enum: CatalogStatus, enumName: 'CatalogStatus' }) status: CatalogStatus;
  @ApiProperty({ type: String, nullable: true }) reviewReason: string | null;
  @ApiProperty({ type: ContactDto, nullable: true }) contact: ContactDto | null;
  @ApiProperty({ type: String, nullable: true }) region: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(need: Need): NeedView {
    return {
      id: need.id,
      ownerOrganizationId: need.ownerOrganizationId,
      title: need.title,
      description: need.description,
      field: need.fieldCode,
      keywords: need.keywords,
      budgetMin: need.budgetMin.toString(),
      budgetMax: need.budgetMax?.toString() ?? null,
      maturityMin: need.maturityMin,
      deadline: need.deadline,
      status: need.status,
      reviewReason: need.reviewReason,
      contact: need.contact,
      region: need.region,
      publishedAt: need.publishedAt?.toISOString() ?? null,
      createdAt: need.createdAt.toISOString(),
      updatedAt: need.updatedAt.toISOString(),
    };
  }
}

/** A search result: what a result list shows, with a highlighted snippet instead of the whole description. */
export class NeedHitView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerOrganizationId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'A short excerpt of the title and description around the match, HTML-escaped, matches wrapped in <em>' })
  snippet: string;
  @ApiProperty({ example: 'materials' }) field: string;
  @ApiProperty({ type: [String] }) keywords: string[];
  @ApiProperty({ example: '500000.00' }) budgetMin: string;
  @ApiProperty({ type: String, nullable: true, example: '2000000.00' }) budgetMax: string | null;
  @ApiProperty({ format: 'date' }) deadline: string;
  @ApiProperty({ enum: CatalogStatus, enumName: 'CatalogStatus' }) status: CatalogStatus;
  @ApiProperty({ type: String, nullable: true }) region: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt: string | null;

  /** `highlight`: the page's snippetHighlighter. */
  static of(row: NeedHitRow, highlight: (text: string) => string): NeedHitView {
    return {
      id: row.id,
      ownerOrganizationId: row.owner_organization_id,
      title: row.title,
      snippet: highlight(`${row.title}。${row.description}`),
      field: row.field,
      keywords: row.keywords,
      budgetMin: Money.ofFen(BigInt(row.budget_min)).toString(),
      budgetMax: row.budget_max === null ? null : Money.ofFen(BigInt(row.budget_max)).toString(),
      deadline: row.deadline,
      status: row.status,
      region: row.region,
      publishedAt: row.published_at?.toISOString() ?? null,
    };
  }
}

export class NeedPageView {
  @ApiProperty({ type: [NeedHitView] }) items: NeedHitView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
