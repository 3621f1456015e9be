import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentUser, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { LeadListQueryDto, UpdateLeadDto } from './dto/lead.dto.js';
import { LeadDetailView, LeadPageView, LeadView } from './dto/lead.view.js';
import { leadOverdueCutoff, LeadsService, type LeadDetail } from './leads.service.js';

const detail = ({ lead, notes }: LeadDetail) => LeadDetailView.withNotes(lead, leadOverdueCutoff(), notes);

@ApiTags('leads')
@Controller('leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Roles(Role.Enterprise, Role.Institute, Role.Operator, Role.Admin)
  @Get()
  @ApiOperation({
    summary: "Leads you may see, newest first: your organization's as a party, your base's as an operator, all as an admin",
  })
  @ApiOkResponse({ type: LeadPageView })
  async list(@Query() query: LeadListQueryDto, @CurrentUser() caller: Principal): Promise<LeadPageView> {
    // One cutoff for the filter and the flags, so that ?overdue=true never lists a lead marked not overdue.
    const cutoff = leadOverdueCutoff();
    const page = await this.leads.list(caller, query, cutoff);
    return { items: page.items.map((lead) => LeadView.of(lead, cutoff)), nextCursor: page.nextCursor };
  }

  @Roles(Role.Enterprise, Role.Institute, Role.Operator, Role.Admin)
  @Get(':id')
  @ApiOperation({ summary: 'A lead you are a party to, of your base, or any as an admin (404 otherwise); staff also get the notes' })
  @ApiOkResponse({ type: LeadDetailView })
  async get(@Param('id', UuidPipe) id: string, @CurrentUser() caller: Principal): Promise<LeadDetailView> {
    return detail(await this.leads.get(caller, id));
  }

  @Roles(Role.Enterprise, Role.Institute, Role.Operator, Role.Admin)
  @Patch(':id')
  @ApiOperation({
    summary: "Move a lead on, reassign it within its base or add a note: the base's operators and admins (a party gets 403)",
  })
  @ApiOkResponse({ type: LeadDetailView })
  @ApiUnprocessableEntityResponse({
    description: 'An illegal transition (the message names the current state), or operatorId is not an operator of the base',
  })
  async update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateLeadDto, @CurrentUser() caller: Principal): Promise<LeadDetailView> {
    return detail(await this.leads.update(caller, id, dto));
  }
}
