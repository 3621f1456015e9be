import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentUser, Role, Roles, type Principal } from '#yizhi/core';
import type { Period } from './period.entity.js';
import { PeriodsService } from './periods.service.js';

export class PeriodView {
  @ApiProperty({ example: '2026-05' }) month: string;
  @ApiProperty({ format: 'date-time' }) closedAt: string;
  @ApiProperty({ format: 'uuid' }) closedById: string;

  static of(period: Period): PeriodView {
    return { month: period.month, closedAt: period.closedAt.toISOString(), closedById: period.closedById };
  }
}

export class PeriodListView {
  @ApiProperty({ type: [PeriodView] }) items: PeriodView[];
}

@ApiTags('periods')
@Controller('periods')
export class PeriodsController {
  constructor(private readonly periods: PeriodsService) {}

  @Roles(Role.Operator, Role.Admin)
  @Get()
  @ApiOperation({ summary: 'The closed months, newest first (a month not listed is open)' })
  @ApiOkResponse({ type: PeriodListView })
  async list(): Promise<PeriodListView> {
    return { items: (await this.periods.closed()).map((p) => PeriodView.of(p)) };
  }

  @Roles(Role.Admin)
  @Post(':month/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a month that has ended: its deals are then corrected only through adjustments' })
  @ApiOkResponse({ type: PeriodView })
  @ApiConflictResponse({ description: 'The month is already closed' })
  @ApiUnprocessableEntityResponse({ description: 'The month has not ended yet' })
  async close(@Param('month') month: string, @CurrentUser() caller: Principal): Promise<PeriodView> {
    return PeriodView.of(await this.periods.close(caller, month));
  }
}
