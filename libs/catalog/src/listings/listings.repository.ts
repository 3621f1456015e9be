import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Page } from '#yizhi/core';
import type { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { CatalogStatus } from '../lifecycle/catalog-status.js';
import { searchPage, type TextSearch } from '../shared/catalog-search.js';
import type { ListingSearchQueryDto } from './dto/listing.dto.js';
import { Listing } from './listing.entity.js';

export type ListingSearch = Omit<ListingSearchQueryDto, 'mine' | 'limit' | 'cursor'> & Omit<TextSearch, 'newestBy'>;

@Injectable()
export class ListingsRepository {
  constructor(@InjectRepository(Listing) private readonly listings: Repository<Listing>) {}

  findById(id: string): Promise<Listing | null> {
    return this.listings.findOneBy({ id });
  }

  /** Published listings still valid on `today`, filtered and ranked. */
  searchPublished(filter: ListingSearch, today: string): Promise<Page<{ item: Listing; rank: number }>> {
    const query = this.listings
      .createQueryBuilder('c')
      .where('c.status = :published', { published: CatalogStatus.Published })
      .andWhere('c.valid_until >= CAST(:today AS date)', { today });
    return searchPage(withFilters(query, filter), { ...filter, newestBy: 'published_at' });
  }

  /** An organisation's own listings in every state, newest first, with the same filters. */
  searchOwn(organizationId: string, filter: ListingSearch): Promise<Page<{ item: Listing; rank: number }>> {
    const query = this.listings.createQueryBuilder('c').where('c.owner_organization_id = :organizationId', { organizationId });
    return searchPage(withFilters(query, filter), { ...filter, newestBy: 'created_at' });
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

function withFilters(query: SelectQueryBuilder<Listing>, filter: ListingSearch): SelectQueryBuilder<Listing> {
  if (filter.field) query.andWhere('c.field = :field', { field: filter.field });
  if (filter.maturityMin) query.andWhere('c.maturity >= :maturityMin', { maturityMin: filter.maturityMin });
  if (filter.transferMode) query.andWhere(':transferMode = ANY(c.transfer_modes)', { transferMode: filter.transferMode });
  if (filter.priceMax) query.andWhere('c.asking_price <= :priceMax', { priceMax: filter.priceMax.fen.toString() });
  if (filter.region) query.andWhere('strpos(c.region, :region) > 0', { region: filter.region });
  return query;
}
