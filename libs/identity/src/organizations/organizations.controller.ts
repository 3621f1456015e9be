import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { RelatedPartyGroupDto, VerifyOrganizationDto } from '../dto/verify-organization.dto.js';
import { OrganizationView } from '../dto/views.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get(':id')
  @ApiOperation({ summary: 'Read an organisation: admins any, members their own' })
  @ApiOkResponse({ type: OrganizationView })
  async get(@Param('id', UuidPipe) id: string, @CurrentUser() caller: Principal): Promise<OrganizationView> {
    return OrganizationView.of(await this.organizations.getVisible(id, caller));
  }

  @Roles(Role.Admin)
  @Post(':id/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify or reject a pending organisation' })
  @ApiOkResponse({ type: OrganizationView })
  async verify(
    @Param('id', UuidPipe) id: string,
    @Body() dto: VerifyOrganizationDto,
    @CurrentUser() caller: Principal,
  ): Promise<OrganizationView> {
    return OrganizationView.of(await this.organizations.decide(id, dto, caller));
  }

  @Roles(Role.Admin)
  @Put(':id/related-party-group')
  @ApiOperation({ summary: 'Mark related parties (关联方): organisations in the same group; deals between them are flagged' })
  @ApiOkResponse({ type: OrganizationView })
  async relate(
    @Param('id', UuidPipe) id: string,
    @Body() dto: RelatedPartyGroupDto,
    @CurrentUser() caller: Principal,
  ): Promise<OrganizationView> {
    return OrganizationView.of(await this.organizations.setRelatedPartyGroup(id, dto.group ?? null, caller));
  }
}
