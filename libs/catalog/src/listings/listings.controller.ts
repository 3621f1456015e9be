import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentUser, OptionalAuth, OptionalUser, platformDate, Role, Roles, UuidPipe, type Principal } from '#yizhi/core';
import { CreateListingDto, ListingSearchQueryDto, RenewListingDto, ReviewListingDto, UpdateListingDto } from './dto/listing.dto.js';
import { ListingPageView, ListingView } from './dto/listing.view.js';
import type { Listing } from './listing.entity.js';
import { ListingsService } from './listings.service.js';

const view = (listing: Listing) => ListingView.of(listing, platformDate());
const ILLEGAL = 'The listing is not in a state that allows this; the message names its state';

@ApiTags('listings')
@Controller('listings')
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @OptionalAuth()
  @Get()
  @ApiOperation({ summary: 'Search published research results in Chinese; ?mine=true lists your own in every state' })
  @ApiOkResponse({ type: ListingPageView })
  search(@Query() query: ListingSearchQueryDto, @OptionalUser() caller: Principal | null): Promise<ListingPageView> {
    return this.listings.search(caller, query);
  }

  @OptionalAuth()
  @Get(':id')
  @ApiOperation({ summary: 'A published listing, or your own in any state (404 otherwise)' })
  @ApiOkResponse({ type: ListingView })
  async get(@Param('id', UuidPipe) id: string, @OptionalUser() caller: Principal | null): Promise<ListingView> {
    return view(await this.listings.get(caller, id));
  }

  @Roles(Role.Institute)
  @Post()
  @ApiOperation({ summary: 'Create a draft listing for your institute' })
  @ApiCreatedResponse({ type: ListingView })
  async create(@Body() dto: CreateListingDto, @CurrentUser() caller: Principal): Promise<ListingView> {
    return view(await this.listings.create(caller, dto));
  }

  @Roles(Role.Institute)
  @Patch(':id')
  @ApiOperation({ summary: 'Edit a draft, rejected or published listing; a published one goes back to review' })
  @ApiOkResponse({ type: ListingView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateListingDto, @CurrentUser() caller: Principal): Promise<ListingView> {
    return view(await this.listings.update(caller, id, dto));
  }

  @Roles(Role.Institute)
  @Post(':id/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a draft or rejected listing to review' })
  @ApiOkResponse({ type: ListingView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async submit(@Param('id', UuidPipe) id: string, @CurrentUser() caller: Principal): Promise<ListingView> {
    return view(await this.listings.submit(caller, id));
  }

  @Roles(Role.Institute)
  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a published listing' })
  @ApiOkResponse({ type: ListingView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async withdraw(@Param('id', UuidPipe) id: string, @CurrentUser() caller: Principal): Promise<ListingView> {
    return view(await this.listings.withdraw(caller, id));
  }

  @Roles(Role.Institute)
  @Post(':id/transfer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a published listing as transferred (成果已转化): it leaves search and matching for good' })
  @ApiOkResponse({ type: ListingView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async transfer(@Param('id', UuidPipe) id: string, @CurrentUser() caller: Principal): Promise<ListingView> {
    return view(await this.listings.transfer(caller, id));
  }

  @Roles(Role.Institute)
  @Post(':id/renew')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend validUntil of a published listing (an expired one returns to search)' })
  @ApiOkResponse({ type: ListingView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async renew(@Param('id', UuidPipe) id: string, @Body() dto: RenewListingDto, @CurrentUser() caller: Principal): Promise<ListingView> {
    return view(await this.listings.renew(caller, id, dto));
  }

  @Roles(Role.Admin)
  @Post(':id/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (publish) or reject a pending listing; only here can it be marked major' })
  @ApiOkResponse({ type: ListingView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async review(@Param('id', UuidPipe) id: string, @Body() dto: ReviewListingDto, @CurrentUser() caller: Principal): Promise<ListingView> {
    return view(await this.listings.review(caller, id, dto));
  }
}
