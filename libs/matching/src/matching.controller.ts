import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { DismissMatchDto, ListingMatchesView, MatchesQueryDto, MatchFeedbackView, NeedMatchesView } from './dto/matching.dto.js';
import { MatchingService } from './matching.service.js';

@ApiTags('matching')
@Controller()
export class MatchingController {
  constructor(private readonly matching: MatchingService) {}

  @Roles(Role.Enterprise, Role.Operator, Role.Admin)
  @Get('needs/:id/matches')
  @ApiOperation({ summary: "The listings that suit a need best, with the reasons: the need's owner, operators and admins (404 otherwise)" })
  @ApiOkResponse({ type: NeedMatchesView })
  needMatches(
    @Param('id', UuidPipe) id: string,
    @Query() query: MatchesQueryDto,
    @CurrentUser() caller: Principal,
  ): Promise<NeedMatchesView> {
    return this.matching.needMatches(caller, id, query.limit);
  }

  @Roles(Role.Institute, Role.Operator, Role.Admin)
  @Get('listings/:id/matches')
  @ApiOperation({ summary: "The needs a listing suits best, with the reasons: the listing's owner, operators and admins (404 otherwise)" })
  @ApiOkResponse({ type: ListingMatchesView })
  listingMatches(
    @Param('id', UuidPipe) id: string,
    @Query() query: MatchesQueryDto,
    @CurrentUser() caller: Principal,
  ): Promise<ListingMatchesView> {
    return this.matching.listingMatches(caller, id, query.limit);
  }

  @Roles(Role.Enterprise)
  @Post('needs/:id/matches/:listingId/dismissal')
  @HttpCode(204)
  @ApiOperation({ summary: "Hide a listing from your need's matches, saying why" })
  @ApiNoContentResponse()
  dismiss(
    @Param('id', UuidPipe) id: string,
    @Param('listingId', UuidPipe) listingId: string,
    @Body() dto: DismissMatchDto,
    @CurrentUser() caller: Principal,
  ): Promise<void> {
    return this.matching.dismiss(caller, id, listingId, dto);
  }

  @Roles(Role.Admin)
  @Get('matching/feedback')
  @ApiOperation({ summary: 'Dismissed matches, counted by reason' })
  @ApiOkResponse({ type: MatchFeedbackView })
  feedback(): Promise<MatchFeedbackView> {
    return this.matching.feedback();
  }
}
