import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { poolRunner, type Page, type SqlRunner } from '#yizhi/core';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { CatalogStatus } from '../lifecycle/catalog-status.js';
import { LexemeStatistics } from '../search/lexeme-statistics.js';
import { searchPage, SqlConditions, type CatalogSearch, type SearchRow } from '../shared/catalog-search.js';
import type { ListingSearchQueryDto } from './dto/listing.dto.js';
import { Listing, type TransferMode } from './listing.entity.js';

export type ListingSearch = Omit<ListingSearchQueryDto, 'mine'>;

/** A search hit's columns: what a result list shows. The summary only feeds the snippet. */
export interface ListingHitRow extends SearchRow {
  owner_organization_id: string;
  title: string;
  summary: string;
  field: string;
  keywords: string[];
  maturity: number;
  transfer_modes: TransferMode[];
  /** Fen, as PostgreSQL prints a bigint; null is 面议. */
  asking_price: string | null;
  major: boolean;
  status: CatalogStatus;
  region: string | null;
  published_at: Date | null;
  valid_until: string | null;
}

const HIT_COLUMNS =
  'c.id, c.owner_organization_id, c.title, c.summary, c.field, c.keywords, c.maturity, c.transfer_modes::text[] AS transfer_modes, ' +
  'c.asking_price, c.major, c.status, c.region, c.published_at, c.valid_until::text AS valid_until';

/** The search of published listings still valid on `today`: what GET /listings runs, and the search benchmark's baseline. */
export function publishedListingsSearch(filter: ListingSearch, today: string): CatalogSearch {
  const scope = new SqlConditions();
  scope.and(`c.status = ${scope.bind(CatalogStatus.Published)}`).and(`c.valid_until >= ${scope.bind(today)}::date`);
  return listingSearch(scope, filter, 'published_at');
}

@Injectable()
export class ListingsRepository {
  private readonly run: SqlRunner;
  private readonly statistics: LexemeStatistics;

  constructor(
    @InjectRepository(Listing) private readonly listings: Repository<Listing>,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.run = poolRunner(dataSource);
    this.statistics = new LexemeStatistics(this.run);
  }

  findById(id: string): Promise<Listing | null> {
    return this.listings.findOneBy({ id });
  }

  /** Published listings still valid on `today`, filtered and ranked. */
  searchPublished(filter: ListingSearch, today: string): Promise<Page<ListingHitRow>> {
    return searchPage(this.run, publishedListingsSearch(filter, today), this.statistics);
  }

  /** An organisation's own listings in every state, newest first, with the same filters. */
  searchOwn(organizationId: string, filter: ListingSearch): Promise<Page<ListingHitRow>> {
    const scope = new SqlConditions();
    scope.and(`c.owner_organization_id = ${scope.bind(organizationId)}`);
    return searchPage(this.run, listingSearch(scope, filter, 'created_at'), this.statistics);
  }

  /** Published listings past their validUntil that the expiry job has not marked yet, locked for it. */
  lockNewlyExpired(manager: EntityManager, today: string): Promise<Listing[]> {
    return manager
      .createQueryBuilder(Listing, 'c')
      .where('c.status = :published AND c.valid_until < CAST(:today AS date) AND c.expired_at IS NULL', {
        published: CatalogStatus.Published,
        today,
      })
      .orderBy('c.id')
      .limit(1_000)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }
}

function listingSearch(scope: SqlConditions, filter: ListingSearch, newestBy: CatalogSearch['newestBy']): CatalogSearch {
  if (filter.field) scope.and(`c.field = ${scope.bind(filter.field)}`);
  if (filter.maturityMin) scope.and(`c.maturity >= ${scope.bind(filter.maturityMin)}`);
  if (filter.transferMode) scope.and(`${scope.bind(filter.transferMode)}::transfer_mode = ANY(c.transfer_modes)`);
  if (filter.priceMax) scope.and(`c.asking_price <= ${scope.bind(filter.priceMax.fen.toString())}`);
  if (filter.region) scope.and(`strpos(c.region, ${scope.bind(filter.region)}) > 0`);
  return { ...filter, table: 'listing', columns: HIT_COLUMNS, scope, newestBy };
}
