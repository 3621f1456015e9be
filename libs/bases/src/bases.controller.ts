import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CachedResponse, CurrentUser, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { BASES_CACHE_TAG, BasesService } from './bases.service.js';
import { BasePageView, BaseView, CreateBaseDto, ListBasesQueryDto, UpdateBaseDto } from './dto/base.dto.js';

@ApiTags('bases')
@Controller('bases')
export class BasesController {
  constructor(private readonly bases: BasesService) {}

  @CachedResponse(BASES_CACHE_TAG, 30)
  @Get()
  @ApiOperation({ summary: 'List the bases: the online platform, offline service bases and branch bases' })
  @ApiOkResponse({ type: BasePageView })
  async list(@Query() query: ListBasesQueryDto): Promise<BasePageView> {
    const page = await this.bases.list(query);
    return { items: page.items.map(BaseView.of), nextCursor: page.nextCursor };
  }

  @CachedResponse(BASES_CACHE_TAG, 30)
  @Get(':id')
  @ApiOkResponse({ type: BaseView })
  async get(@Param('id', UuidPipe) id: string): Promise<BaseView> {
    return BaseView.of(await this.bases.get(id));
  }

  @Roles(Role.Admin)
  @Post()
  @ApiCreatedResponse({ type: BaseView })
  async create(@Body() dto: CreateBaseDto, @CurrentUser() caller: Principal): Promise<BaseView> {
    return BaseView.of(await this.bases.create(dto, caller));
  }

  @Roles(Role.Admin)
  @Patch(':id')
  @ApiOkResponse({ type: BaseView })
  async update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateBaseDto, @CurrentUser() caller: Principal): Promise<BaseView> {
    return BaseView.of(await this.bases.update(id, dto, caller));
  }
}
