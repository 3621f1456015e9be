import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '#yizhi/audit';
import { OutboxModule } from '#yizhi/core';
import { ListingExpiryHandler } from './listings/listing-expiry.handler.js';
import { Listing } from './listings/listing.entity.js';
import { ListingsController } from './listings/listings.controller.js';
import { ListingsRepository } from './listings/listings.repository.js';
import { ListingsService } from './listings/listings.service.js';
import { Need } from './needs/need.entity.js';
import { NeedsController } from './needs/needs.controller.js';
import { NeedsRepository } from './needs/needs.repository.js';
import { NeedsService } from './needs/needs.service.js';

const persistence = TypeOrmModule.forFeature([Listing, Need]);

/** Listings and needs: routes, review workflow, search. */
@Module({
  imports: [persistence, AuditModule, OutboxModule],
  controllers: [ListingsController, NeedsController],
  providers: [ListingsRepository, ListingsService, NeedsRepository, NeedsService],
  exports: [ListingsService, NeedsService],
})
export class CatalogModule {}

/** What the worker runs of the catalog: the listing expiry job. */
@Module({
  imports: [persistence, AuditModule, OutboxModule],
  providers: [ListingsRepository, ListingsService, ListingExpiryHandler],
})
export class CatalogJobsModule {}
