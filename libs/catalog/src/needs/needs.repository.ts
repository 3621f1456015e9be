import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { poolRunner, type Page, type SqlRunner } from '#yizhi/core';
import type { DataSource, Repository } from 'typeorm';
import { CatalogStatus } from '../lifecycle/catalog-status.js';
import { LexemeStatistics } from '../search/lexeme-statistics.js';
import { searchPage, SqlConditions, type SearchRow } from '../shared/catalog-search.js';
import type { NeedSearchQueryDto } from './dto/need.dto.js';
import { Need } from './need.entity.js';

export type NeedSearch = Omit<NeedSearchQueryDto, 'mine'>;

/** A search hit's columns: what a result list shows. The description only feeds the snippet. */
export interface NeedHitRow extends SearchRow {
  owner_organization_id: string;
  title: string;
  description: string;
  field: string;
  keywords: string[];
  /** Fen, as PostgreSQL prints a bigint. */
  budget_min: string;
  budget_max: string | null;
  deadline: string;
  status: CatalogStatus;
  region: string | null;
  published_at: Date | null;
}

const HIT_COLUMNS =
  'c.id, c.owner_organization_id, c.title, c.description, c.field, c.keywords, c.budget_min, c.budget_max, ' +
  'c.deadline::text AS deadline, c.status, c.region, c.published_at';

@Injectable()
export class NeedsRepository {
  private readonly run: SqlRunner;
  private readonly statistics: LexemeStatistics;

  constructor(
    @InjectRepository(Need) private readonly needs: Repository<Need>,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.run = poolRunner(dataSource);
    this.statistics = new LexemeStatistics(this.run);
  }

  findById(id: string): Promise<Need | null> {
    return this.needs.findOneBy({ id });
  }

  /** Published needs, filtered and ranked; budget filters keep needs whose range overlaps the one asked for. */
  searchPublished(filter: NeedSearch): Promise<Page<NeedHitRow>> {
    const scope = new SqlConditions();
    scope.and(`c.status = ${scope.bind(CatalogStatus.Published)}`);
    return this.search(scope, filter, 'published_at');
  }

  /** An organisation's own needs in every state, newest first, with the same filters. */
  searchOwn(organizationId: string, filter: NeedSearch): Promise<Page<NeedHitRow>> {
    const scope = new SqlConditions();
    scope.and(`c.owner_organization_id = ${scope.bind(organizationId)}`);
    return this.search(scope, filter, 'created_at');
  }

  private search(scope: SqlConditions, filter: NeedSearch, newestBy: 'published_at' | 'created_at'): Promise<Page<NeedHitRow>> {
    if (filter.field) scope.and(`c.field = ${scope.bind(filter.field)}`);
    if (filter.region) scope.and(`strpos(c.region, ${scope.bind(filter.region)}) > 0`);
    if (filter.budgetMin) scope.and(`c.budget_max IS NULL OR c.budget_max >= ${scope.bind(filter.budgetMin.fen.toString())}`);
    if (filter.budgetMax) scope.and(`c.budget_min <= ${scope.bind(filter.budgetMax.fen.toString())}`);
    return searchPage(this.run, { ...filter, table: 'need', columns: HIT_COLUMNS, scope, newestBy }, this.statistics);
  }
}
