import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiIdempotencyKey, CurrentUser, Idempotency, Role, Roles, type IdempotencyClaim, type Principal } from '#yizhi/core';
import { CreateServiceRecordDto, ServiceRecordListQueryDto, ServiceRecordPageView, ServiceRecordView } from './service-record.dto.js';
import { ServiceRecordsService } from './service-records.service.js';

@ApiTags('service-records')
@Controller('service-records')
export class ServiceRecordsController {
  constructor(private readonly records: ServiceRecordsService) {}

  @Roles(Role.Operator, Role.Admin)
  @Post()
  @ApiOperation({
    summary: "Record a base's service to an enterprise (an operator: its own base); an unknown credit code adds the enterprise as pending",
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: ServiceRecordView })
  @ApiConflictResponse({ description: 'The Idempotency-Key was used for another request' })
  @ApiUnprocessableEntityResponse({ description: 'The base or the enterprise does not resolve, or servedAt falls in a closed month' })
  async create(
    @Body() dto: CreateServiceRecordDto,
    @CurrentUser() caller: Principal,
    @Idempotency() claim: IdempotencyClaim | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceRecordView> {
    const result = await this.records.create(caller, dto, claim);
    if (result.replayed) reply.header('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Roles(Role.Operator, Role.Admin)
  @Get()
  @ApiOperation({ summary: "Service records, newest first: your base's as an operator, all as an admin" })
  @ApiOkResponse({ type: ServiceRecordPageView })
  list(@Query() query: ServiceRecordListQueryDto, @CurrentUser() caller: Principal): Promise<ServiceRecordPageView> {
    return this.records.list(caller, query);
  }
}
