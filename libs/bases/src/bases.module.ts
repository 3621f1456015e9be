import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Base } from './base.entity.js';
import { BasesController } from './bases.controller.js';
import { BasesRepository } from './bases.repository.js';
import { BasesService } from './bases.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Base])],
  controllers: [BasesController],
  providers: [BasesRepository, BasesService],
  exports: [BasesService],
})
export class BasesModule {}
