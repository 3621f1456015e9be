import { ApiProperty } from '@nestjs/swagger';
import { CatalogStatus } from '../../lifecycle/catalog-status.js';
import { ContactDto } from '../../shared/contact.js';
import { Need } from '../need.entity.js';

export class NeedView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerOrganizationId: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ example: 'materials' }) field: string;
  @ApiProperty({ type: [String] }) keywords: string[];
  @ApiProperty({ example: '500000.00' }) budgetMin: string;
  @ApiProperty({ type: String, nullable: true, example: '2000000.00' }) budgetMax: string | null;
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

export class NeedHitView extends NeedView {
  @ApiProperty({ description: 'A short excerpt around the match, HTML-escaped, matches wrapped in <em>' })
  snippet: string;
}

export class NeedPageView {
  @ApiProperty({ type: [NeedHitView] }) items: NeedHitView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
