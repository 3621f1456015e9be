import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '#yizhi/audit';
import { IdempotencyModule } from '#yizhi/core';
import { Deal, DealAdjustment, DealPayment } from './deal.entity.js';
import { DealsController } from './deals.controller.js';
import { DealsRepository } from './deals.repository.js';
import { DealsService } from './deals.service.js';
import { Period } from './periods/period.entity.js';
import { PeriodsController } from './periods/periods.controller.js';
import { PeriodsService } from './periods/periods.service.js';

/** The deals ledger: deals, their status and verification, payments, adjustments, and closed periods. */
@Module({
  imports: [TypeOrmModule.forFeature([Deal, DealPayment, DealAdjustment, Period]), AuditModule, IdempotencyModule],
  controllers: [DealsController, PeriodsController],
  providers: [DealsRepository, DealsService, PeriodsService],
  exports: [DealsService, PeriodsService],
})
export class DealsModule {}
