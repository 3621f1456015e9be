import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Page } from '#yizhi/core';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import { CatalogStatus } from '../lifecycle/catalog-status.js';
import { searchPage, type TextSearch } from '../shared/catalog-search.js';
import type { NeedSearchQueryDto } from './dto/need.dto.js';
import { Need } from './need.entity.js';

export type NeedSearch = Omit<NeedSearchQueryDto, 'mine' | 'limit' | 'cursor'> & Omit<TextSearch, 'newestBy'>;

@Injectable()
export class NeedsRepository {
  constructor(@InjectRepository(Need) private readonly needs: Repository<Need>) {}

  findById(id: string): Promise<Need | null> {
    return this.needs.findOneBy({ id });
  }

  /** Published needs, filtered and ranked; budget filters keep needs whose range overlaps the one asked for. */
  searchPublished(filter: NeedSearch): Promise<Page<{ item: Need; rank: number }>> {
    const query = this.needs.createQueryBuilder('c').where('c.status = :published', { published: CatalogStatus.Published });
    return searchPage(withFilters(query, filter), { ...filter, newestBy: 'published_at' });
  }

  /** An organisation's own needs in every state, newest first, with the same filters. */
  searchOwn(organizationId: string, filter: NeedSearch): Promise<Page<{ item: Need; rank: number }>> {
    const query = this.needs.createQueryBuilder('c').where('c.owner_organization_id = :organizationId', { organizationId });
    return searchPage(withFilters(query, filter), { ...filter, newestBy: 'created_at' });
  }
}

function withFilters(query: SelectQueryBuilder<Need>, filter: NeedSearch): SelectQueryBuilder<Need> {
  if (filter.field) query.andWhere('c.field = :field', { field: filter.field });
  if (filter.region) query.andWhere('strpos(c.region, :region) > 0', { region: filter.region });
  if (filter.budgetMin)
    query.andWhere('(c.budget_max IS NULL OR c.budget_max >= :budgetMin)', { budgetMin: filter.budgetMin.fen.toString() });
  if (filter.budgetMax) query.andWhere('c.budget_min <= :budgetMax', { budgetMax: filter.budgetMax.fen.toString() });
  return query;
}
