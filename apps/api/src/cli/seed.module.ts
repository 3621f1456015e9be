import { Module } from '@nestjs/common';
import { BasesModule } from '#yizhi/bases';
import { ConfigModule, ResponseCacheModule } from '#yizhi/core';
import { DatabaseModule } from '#yizhi/database';
import { FieldsModule } from '#yizhi/fields';
import { IdentityCoreModule } from '#yizhi/identity';
import { ProgramsModule } from '#yizhi/programs';

@Module({
  imports: [
    ConfigModule.forRoot(),
    ResponseCacheModule,
    DatabaseModule.forRoot('yizhi-seed'),
    BasesModule,
    FieldsModule,
    ProgramsModule,
    IdentityCoreModule,
  ],
})
export class SeedModule {}
