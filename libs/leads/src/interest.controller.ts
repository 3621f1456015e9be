import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentUser, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { ExpressInterestDto } from './dto/lead.dto.js';
import { LeadView } from './dto/lead.view.js';
import { leadOverdueCutoff, LeadsService } from './leads.service.js';

/** `POST /listings/:id/interest`: the catalog's URL, the leads' resource. */
@ApiTags('leads')
@Controller('listings')
export class InterestController {
  constructor(private readonly leads: LeadsService) {}

  @Roles(Role.Enterprise)
  @Post(':id/interest')
  @ApiOperation({
    summary: 'Express interest in a published listing: creates a lead routed to a base (by your region) and an operator there',
  })
  @ApiCreatedResponse({ type: LeadView })
  @ApiConflictResponse({ description: 'LEAD_ALREADY_OPEN: your organization already has an open lead on this listing' })
  @ApiUnprocessableEntityResponse({
    description: 'NEED_NOT_ELIGIBLE: needId is not a published need of your organization; LISTING_EXPIRED: the offer ran out',
  })
  async express(@Param('id', UuidPipe) id: string, @Body() dto: ExpressInterestDto, @CurrentUser() caller: Principal): Promise<LeadView> {
    return LeadView.of(await this.leads.expressInterest(caller, id, dto), leadOverdueCutoff());
  }
}
