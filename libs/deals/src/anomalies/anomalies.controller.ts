import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentUser, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { AnomaliesService } from './anomalies.service.js';
import { AnomalyListQueryDto, AnomalyPageView, AnomalyView, ResolveAnomalyDto } from './anomaly.dto.js';

@ApiTags('anomalies')
@Controller('anomalies')
export class AnomaliesController {
  constructor(private readonly anomalies: AnomaliesService) {}

  @Roles(Role.Admin)
  @Get()
  @ApiOperation({ summary: 'Deals flagged by the anomaly rules, newest first (open ones unless ?status=resolved)' })
  @ApiOkResponse({ type: AnomalyPageView })
  list(@Query() query: AnomalyListQueryDto): Promise<AnomalyPageView> {
    return this.anomalies.list(query);
  }

  @Roles(Role.Admin)
  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve a flag with a note (the rule does not raise it again for that deal)' })
  @ApiOkResponse({ type: AnomalyView })
  @ApiUnprocessableEntityResponse({ description: 'The anomaly is already resolved' })
  resolve(@Param('id', UuidPipe) id: string, @Body() dto: ResolveAnomalyDto, @CurrentUser() caller: Principal): Promise<AnomalyView> {
    return this.anomalies.resolve(caller, id, dto.note);
  }
}
