import { ApiProperty } from '@nestjs/swagger';
import { Money } from '#yizhi/core';
import { CatalogStatus } from '../../lifecycle/catalog-status.js';
import { ContactDto } from '../../shared/contact.js';
import { Listing, TransferMode } from '../listing.entity.js';
import type { ListingHitRow } from '../listings.repository.js';

function isExpired(status: CatalogStatus, validUntil: string | null, today: string): boolean {
  return status === CatalogStatus.Published && validUntil !== null && validUntil < today;
}

/** `today` is the date the expiry is judged against (YYYY-MM-DD, Asia/Shanghai). */
export class ListingView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerOrganizationId: string;
  @ApiProperty() title: string;
  @ApiProperty() summary: string;
  @ApiProperty({ example: 'materials' }) field: string;
  @ApiProperty({ type: [String] }) keywords: string[];
  @ApiProperty({ minimum: 1, maximum: 9 }) maturity: number;
  @ApiProperty({ enum: TransferMode, enumName: 'TransferMode', isArray: true }) transferModes: TransferMode[];
  @ApiProperty({ type: String, nullable: true, example: '1500000.00', description: 'null is 面议' }) askingPrice: string | null;
  @ApiProperty({ type: [String] }) patentNumbers: string[];
  @ApiProperty() major: boolean;
  @ApiProperty({ enum: CatalogStatus, enumName: 'CatalogStatus' }) status: CatalogStatus;
  @ApiProperty({ type: String, nullable: true }) reviewReason: string | null;
  @ApiProperty({ type: ContactDto, nullable: true }) contact: ContactDto | null;
  @ApiProperty({ type: String, nullable: true }) region: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) validUntil: string | null;
  @ApiProperty({ description: 'Published but past validUntil: out of search until renewed' }) expired: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(listing: Listing, today: string): ListingView {
    return {
      id: listing.id,
      ownerOrganizationId: listing.ownerOrganizationId,
      title: listing.title,
      summary: listing.summary,
      field: listing.fieldCode,
      keywords: listing.keywords,
      maturity: listing.maturity,
      transferModes: listing.transferModes,
      askingPrice: listing.askingPrice?.toString() ?? null,
      patentNumbers: listing.patentNumbers,
      major: listing.major,
      status: listing.status,
      reviewReason: listing.reviewReason,
      contact: listing.contact,
      region: listing.region,
      publishedAt: listing.publishedAt?.toISOString() ?? null,
      validUntil: listing.validUntil,
      expired: isExpired(listing.status, listing.validUntil, today),
      createdAt: listing.createdAt.toISOString(),
      updatedAt: listing.updatedAt.toISOString(),
    };
  }
}

/** A search result: what a result list shows, with a highlighted snippet instead of the whole summary. */
export class ListingHitView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerOrganizationId: string;
  @ApiProperty() title: string;
  @ApiProperty({
    description: 'A short excerpt of the title and summary around the match, HTML-escaped, matches wrapped in <em>',
    example: '…采用<em>碳化硅</em>功率模块…',
  })
  snippet: string;
  @ApiProperty({ example: 'materials' }) field: string;
  @ApiProperty({ type: [String] }) keywords: string[];
  @ApiProperty({ minimum: 1, maximum: 9 }) maturity: number;
  @ApiProperty({ enum: TransferMode, enumName: 'TransferMode', isArray: true }) transferModes: TransferMode[];
  @ApiProperty({ type: String, nullable: true, example: '1500000.00', description: 'null is 面议' }) askingPrice: string | null;
  @ApiProperty() major: boolean;
  @ApiProperty({ enum: CatalogStatus, enumName: 'CatalogStatus' }) status: CatalogStatus;
  @ApiProperty({ type: String, nullable: true }) region: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) validUntil: string | null;
  @ApiProperty({ description: 'Published but past validUntil (only in ?mine=true: search leaves it out)' }) expired: boolean;

  /** `highlight`: the page's snippetHighlighter. */
  static of(row: ListingHitRow, today: string, highlight: (text: string) => string): ListingHitView {
    return {
      id: row.id,
      ownerOrganizationId: row.owner_organization_id,
      title: row.title,
      snippet: highlight(`${row.title}。${row.summary}`),
      field: row.field,
      keywords: row.keywords,
      maturity: row.maturity,
      transferModes: row.transfer_modes,
      askingPrice: row.asking_price === null ? null : Money.ofFen(BigInt(row.asking_price)).toString(),
      major: row.major,
      status: row.status,
      region: row.region,
      publishedAt: row.published_at?.toISOString() ?? null,
      validUntil: row.valid_until,
      expired: isExpired(row.status, row.valid_until, today),
    };
  }
}

export class ListingPageView {
  @ApiProperty({ type: [ListingHitView] }) items: ListingHitView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
