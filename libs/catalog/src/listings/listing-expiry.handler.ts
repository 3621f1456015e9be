import { Injectable } from '@nestjs/common';
import { JobHandler, JobName } from '#yizhi/core';
import { ListingsService } from './listings.service.js';

/** Daily job: marks published listings whose validUntil has passed (search already leaves them out). */
@Injectable()
export class ListingExpiryHandler {
  constructor(private readonly listings: ListingsService) {}

  @JobHandler(JobName.ExpireListings)
  async expire(): Promise<{ expired: number }> {
    return { expired: await this.listings.markExpired() };
  }
}
