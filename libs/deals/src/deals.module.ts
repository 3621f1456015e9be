import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '#yizhi/audit';
import { IdempotencyModule } from '#yizhi/core';
import { Deal, DealPayment } from './deal.entity.js';
import { DealsController } from './deals.controller.js';
import { DealsRepository } from './deals.repository.js';
import { DealsService } from './deals.service.js';

/** The deals ledger: deals, their status and verification, and payments. */
@Module({
  imports: [TypeOrmModule.forFeature([Deal, DealPayment]), AuditModule, IdempotencyModule],
  controllers: [DealsController],
  providers: [DealsRepository, DealsService],
  exports: [DealsService],
})
export class DealsModule {}
