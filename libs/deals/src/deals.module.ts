import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '#yizhi/audit';
import { IdempotencyModule, OutboxModule } from '#yizhi/core';
import { IdentityCoreModule } from '#yizhi/identity';
import { AnomaliesController } from './anomalies/anomalies.controller.js';
import { AnomaliesService } from './anomalies/anomalies.service.js';
import { Anomaly } from './anomalies/anomaly.entity.js';
import { AnomalyScanHandler } from './anomalies/anomaly-scan.handler.js';
import { Deal, DealAdjustment, DealPayment } from './deal.entity.js';
import { DealsController } from './deals.controller.js';
import { DealsRepository } from './deals.repository.js';
import { DealsService } from './deals.service.js';
import { DealImportService } from './import/deal-import.service.js';
import { DealSheetsController } from './import/deal-sheets.controller.js';
import { LedgerEvents } from './ledger-events.js';
import { Period } from './periods/period.entity.js';
import { ServiceRecord } from './service-records/service-record.entity.js';
import { ServiceRecordsController } from './service-records/service-records.controller.js';
import { ServiceRecordsService } from './service-records/service-records.service.js';
import { PeriodsController } from './periods/periods.controller.js';
import { PeriodsService } from './periods/periods.service.js';

/** The deals ledger: deals, their status and verification, payments, adjustments, closed periods, and the bases' service records. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Deal, DealPayment, DealAdjustment, Period, ServiceRecord, Anomaly]),
    IdentityCoreModule,
    AuditModule,
    IdempotencyModule,
    OutboxModule,
  ],
  controllers: [DealsController, DealSheetsController, PeriodsController, ServiceRecordsController, AnomaliesController],
  providers: [DealsRepository, DealsService, DealImportService, PeriodsService, ServiceRecordsService, AnomaliesService, LedgerEvents],
  exports: [DealsService, PeriodsService, AnomaliesService],
})
export class DealsModule {}

/** What the worker runs of the ledger: the nightly anomaly scan. */
@Module({
  imports: [TypeOrmModule.forFeature([Deal, Anomaly]), AuditModule],
  providers: [AnomaliesService, AnomalyScanHandler],
})
export class DealsJobsModule {}
