import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '#yizhi/audit';
import { InterestController } from './interest.controller.js';
import { LeadNote } from './lead-note.entity.js';
import { Lead } from './lead.entity.js';
import { LeadsController } from './leads.controller.js';
import { LeadsRepository } from './leads.repository.js';
import { LeadsService } from './leads.service.js';

/** Leads: interest in listings, routing to bases and operators, the pipeline up to a deal. */
@Module({
  imports: [TypeOrmModule.forFeature([Lead, LeadNote]), AuditModule],
  controllers: [InterestController, LeadsController],
  providers: [LeadsRepository, LeadsService],
  exports: [LeadsService],
})
export class LeadsModule {}
