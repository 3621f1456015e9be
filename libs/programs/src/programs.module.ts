import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '#yizhi/audit';
import { ProgramAllocation } from './program-allocation.entity.js';
import { ProgramMilestone } from './program-milestone.entity.js';
import { Program } from './program.entity.js';
import { ProgramsController } from './programs.controller.js';
import { ProgramsRepository } from './programs.repository.js';
import { ProgramsService } from './programs.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Program, ProgramAllocation, ProgramMilestone]), AuditModule],
  controllers: [ProgramsController],
  providers: [ProgramsRepository, ProgramsService],
  exports: [ProgramsService],
})
export class ProgramsModule {}
