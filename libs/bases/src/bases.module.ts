import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '#yizhi/audit';
import { Base } from './base.entity.js';
import { BasesController } from './bases.controller.js';
import { BasesRepository } from './bases.repository.js';
import { BasesService } from './bases.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Base]), AuditModule],
  controllers: [BasesController],
  providers: [BasesRepository, BasesService],
  exports: [BasesService],
})
export class BasesModule {}
