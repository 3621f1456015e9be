import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, Roles } from '#yizhi/core';
import { AuditService } from './audit.service.js';
import { AuditEventPageView, AuditEventView, AuditVerificationView, ListAuditQueryDto } from './dto/audit.dto.js';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Roles(Role.Admin)
  @Get()
  @ApiOperation({ summary: "An entity kind's audit events, or one resource's, newest first" })
  @ApiOkResponse({ type: AuditEventPageView })
  async list(@Query() query: ListAuditQueryDto): Promise<AuditEventPageView> {
    const page = await this.audit.list(query);
    return { items: page.items.map(AuditEventView.of), nextCursor: page.nextCursor };
  }

  @Roles(Role.Admin)
  @Get('verify')
  @ApiOperation({ summary: 'Walk the whole audit chain, recomputing every hash; report the first broken event' })
  @ApiOkResponse({ type: AuditVerificationView })
  async verify(): Promise<AuditVerificationView> {
    return AuditVerificationView.of(await this.audit.verify());
  }
}
