import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentUser, PageQueryDto, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { CreateProgramDto, ReplaceAllocationsDto } from './dto/program.dto.js';
import { ProgramPageView, ProgramSummaryView, ProgramView } from './dto/program.view.js';
import { ProgramsService } from './programs.service.js';

@ApiTags('programs')
@Controller('programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Roles(Role.Operator, Role.Admin)
  @Get()
  @ApiOperation({ summary: 'The programs (multi-year plans), newest first' })
  @ApiOkResponse({ type: ProgramPageView })
  async list(@Query() query: PageQueryDto): Promise<ProgramPageView> {
    const page = await this.programs.list(query);
    return { items: page.items.map(ProgramSummaryView.of), nextCursor: page.nextCursor };
  }

  @Roles(Role.Operator, Role.Admin)
  @Get(':id')
  @ApiOperation({ summary: 'A program with its milestones, its per-base allocations and whether they add up to its targets' })
  @ApiOkResponse({ type: ProgramView })
  get(@Param('id', UuidPipe) id: string): Promise<ProgramView> {
    return this.programs.get(id);
  }

  @Roles(Role.Admin)
  @Post()
  @ApiOperation({ summary: 'Create the next plan, with its cumulative milestones' })
  @ApiCreatedResponse({ type: ProgramView })
  @ApiConflictResponse({ description: 'PROGRAM_CODE_TAKEN: the code is in use' })
  @ApiUnprocessableEntityResponse({ description: "PROGRAM_DATES_OVERLAP: the dates overlap another program's" })
  create(@Body() dto: CreateProgramDto, @CurrentUser() caller: Principal): Promise<ProgramView> {
    return this.programs.create(dto, caller);
  }

  @Roles(Role.Admin)
  @Put(':id/allocations')
  @HttpCode(200)
  @ApiOperation({
    summary: "Replace the program's per-base allocations",
    description: 'Allocations that do not add up to the targets are accepted; allocationCheck in the response flags them.',
  })
  @ApiOkResponse({ type: ProgramView })
  @ApiUnprocessableEntityResponse({ description: 'REFERENCE_INVALID: an allocation names an unknown or inactive base' })
  replaceAllocations(
    @Param('id', UuidPipe) id: string,
    @Body() dto: ReplaceAllocationsDto,
    @CurrentUser() caller: Principal,
  ): Promise<ProgramView> {
    return this.programs.replaceAllocations(id, dto, caller);
  }
}
