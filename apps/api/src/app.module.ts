import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '#yizhi/audit';
import { BasesModule } from '#yizhi/bases';
import { CatalogModule } from '#yizhi/catalog';
import { ConfigModule, RedisModule, ResponseCacheModule, type AppConfig } from '#yizhi/core';
import { DatabaseModule } from '#yizhi/database';
import { DealsModule } from '#yizhi/deals';
import { FieldsModule } from '#yizhi/fields';
import { AccessGuard, IdentityModule } from '#yizhi/identity';
import { LeadsModule } from '#yizhi/leads';
import { MatchingModule } from '#yizhi/matching';
import { ProgramsModule } from '#yizhi/programs';
import { VolumesHttpModule } from '#yizhi/volumes';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OperationsModule } from './operations/operations.module.js';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot('yizhi-api'),
        RedisModule,
        ResponseCacheModule,
        IdentityModule,
        BasesModule,
        FieldsModule,
        AuditModule,
        CatalogModule,
        LeadsModule,
        MatchingModule,
        DealsModule,
        ProgramsModule,
        VolumesHttpModule,
        HealthModule,
        MetricsModule,
        OperationsModule,
      ],
      providers: [{ provide: APP_GUARD, useExisting: AccessGuard }],
    };
  }
}
