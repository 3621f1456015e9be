import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobName } from '#yizhi/core';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/** Hourly job: refresh tokens past their expiry can never be used again, so drop them. */
@Injectable()
export class RefreshTokenPurgeHandler {
  private readonly logger = new Logger(RefreshTokenPurgeHandler.name);

  constructor(private readonly refreshTokens: RefreshTokensRepository) {}

  @JobHandler(JobName.PurgeExpiredRefreshTokens)
  async purge(): Promise<{ deleted: number }> {
    const deleted = await this.refreshTokens.deleteExpired(new Date());
    if (deleted) this.logger.log(`purged ${deleted} expired refresh tokens`);
    return { deleted };
  }
}
