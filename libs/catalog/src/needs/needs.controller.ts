import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentUser, OptionalAuth, OptionalUser, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { ReviewDto } from '../shared/catalog-dto.js';
import { CreateNeedDto, NeedSearchQueryDto, UpdateNeedDto } from './dto/need.dto.js';
import { NeedPageView, NeedView } from './dto/need.view.js';
import { NeedsService } from './needs.service.js';

const ILLEGAL = 'The need is not in a state that allows this; the message names its state';

@ApiTags('needs')
@Controller('needs')
export class NeedsController {
  constructor(private readonly needs: NeedsService) {}

  @OptionalAuth()
  @Get()
  @ApiOperation({ summary: 'Search published technology needs in Chinese; ?mine=true lists your own in every state' })
  @ApiOkResponse({ type: NeedPageView })
  search(@Query() query: NeedSearchQueryDto, @OptionalUser() caller: Principal | null): Promise<NeedPageView> {
    return this.needs.search(caller, query);
  }

  @OptionalAuth()
  @Get(':id')
  @ApiOperation({ summary: 'A published need, or your own in any state (404 otherwise)' })
  @ApiOkResponse({ type: NeedView })
  async get(@Param('id', UuidPipe) id: string, @OptionalUser() caller: Principal | null): Promise<NeedView> {
    return NeedView.of(await this.needs.get(caller, id));
  }

  @Roles(Role.Enterprise)
  @Post()
  @ApiOperation({ summary: 'Create a draft need for your enterprise' })
  @ApiCreatedResponse({ type: NeedView })
  async create(@Body() dto: CreateNeedDto, @CurrentUser() caller: Principal): Promise<NeedView> {
    return NeedView.of(await this.needs.create(caller, dto));
  }

  @Roles(Role.Enterprise)
  @Patch(':id')
  @ApiOperation({ summary: 'Edit a draft, rejected or published need; a published one goes back to review' })
  @ApiOkResponse({ type: NeedView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateNeedDto, @CurrentUser() caller: Principal): Promise<NeedView> {
    return NeedView.of(await this.needs.update(caller, id, dto));
  }

  @Roles(Role.Enterprise)
  @Post(':id/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a draft or rejected need to review' })
  @ApiOkResponse({ type: NeedView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async submit(@Param('id', UuidPipe) id: string, @CurrentUser() caller: Principal): Promise<NeedView> {
    return NeedView.of(await this.needs.submit(caller, id));
  }

  @Roles(Role.Enterprise)
  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a published need' })
  @ApiOkResponse({ type: NeedView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async close(@Param('id', UuidPipe) id: string, @CurrentUser() caller: Principal): Promise<NeedView> {
    return NeedView.of(await this.needs.close(caller, id));
  }

  @Roles(Role.Admin)
  @Post(':id/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (publish) or reject a pending need' })
  @ApiOkResponse({ type: NeedView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async review(@Param('id', UuidPipe) id: string, @Body() dto: ReviewDto, @CurrentUser() caller: Principal): Promise<NeedView> {
    return NeedView.of(await this.needs.review(caller, id, dto.decision, dto.reason));
  }
}
