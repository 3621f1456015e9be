import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiIdempotencyKey,
  CurrentUser,
  Idempotency,
  Role,
  Roles,
  UuidPipe,
  type IdempotencyClaim,
  type IdempotentResult,
  type Principal,
} from '#yizhi/core';
import type { Deal } from './deal.entity.js';
import { IF_MATCH } from './deal.exception.js';
import { DealsService } from './deals.service.js';
import {
  CreateAdjustmentDto,
  CreateDealDto,
  CreatePaymentDto,
  DealListQueryDto,
  TransitionDealDto,
  UpdateDealDto,
  VerifyDealDto,
} from './dto/deal.dto.js';
import { AdjustmentReceiptView, DealDetailView, DealPageView, DealView, PaymentReceiptView } from './dto/deal.view.js';

const ILLEGAL = "The deal's state does not allow this; the message names its state";

/** The deal's version as its entity tag, for the If-Match of the next PATCH. */
function tagged(reply: FastifyReply, deal: Pick<DealView, 'version'>): void {
  reply.header('ETag', `"${deal.version}"`);
}

/** An idempotent result's body; a replay says so in a header. */
function answer<T>(reply: FastifyReply, result: IdempotentResult<T>): T {
  if (result.replayed) reply.header('Idempotent-Replayed', 'true');
  return result.body;
}

const view = (reply: FastifyReply, deal: Deal): DealView => {
  const shown = DealView.of(deal);
  tagged(reply, shown);
  return shown;
};

@ApiTags('deals')
@Controller('deals')
export class DealsController {
  constructor(private readonly deals: DealsService) {}

  @Roles(Role.Operator, Role.Admin)
  @Post()
  @ApiOperation({ summary: 'Record a deal at a base (an operator: its own base); a draft, unverified' })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: DealView })
  @ApiConflictResponse({ description: 'The registration number is taken, or the Idempotency-Key was used for another request' })
  @ApiUnprocessableEntityResponse({
    description:
      'A reference (base, party, listing, need, lead, broker) does not resolve; the details name it. (An amount rule, 技术交易额 above 合同成交额, is a 400 AMOUNT_RULE.)',
  })
  async create(
    @Body() dto: CreateDealDto,
    @CurrentUser() caller: Principal,
    @Idempotency() claim: IdempotencyClaim | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DealView> {
    const created = answer(reply, await this.deals.create(caller, dto, claim));
    tagged(reply, created);
    return created;
  }

  @Roles(Role.Enterprise, Role.Institute, Role.Operator, Role.Admin)
  @Get()
  @ApiOperation({ summary: "Deals you may see, newest first: your organization's as a party, your base's as an operator, all as an admin" })
  @ApiOkResponse({ type: DealPageView })
  async list(@Query() query: DealListQueryDto, @CurrentUser() caller: Principal): Promise<DealPageView> {
    const page = await this.deals.list(caller, query);
    return { items: page.items.map((deal) => DealView.of(deal)), nextCursor: page.nextCursor };
  }

  @Roles(Role.Enterprise, Role.Institute, Role.Operator, Role.Admin)
  @Get(':id')
  @ApiOperation({
    summary: 'A deal of your base, one your organization is a party to, or any as an admin (404 otherwise), with its payments',
  })
  @ApiOkResponse({
    type: DealDetailView,
    headers: { ETag: { description: 'The version, for If-Match', schema: { type: 'string', example: '"3"' } } },
  })
  async get(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DealDetailView> {
    const { deal, payments, adjustments } = await this.deals.get(caller, id);
    const shown = DealDetailView.detail(deal, payments, adjustments);
    tagged(reply, shown);
    return shown;
  }

  @Roles(Role.Operator, Role.Admin)
  @Patch(':id')
  @ApiOperation({ summary: "Change a deal's terms; a verified deal goes back to unverified" })
  @ApiHeader({ name: IF_MATCH, required: true, description: 'The version you read (ETag); 428 without it, 409 when the deal has moved on' })
  @ApiOkResponse({ type: DealView })
  @ApiConflictResponse({ description: 'The deal changed since you read it (VERSION_CONFLICT), or the registration number is taken' })
  @ApiUnprocessableEntityResponse({ description: `${ILLEGAL}; or a reference does not resolve` })
  async update(
    @Param('id', UuidPipe) id: string,
    @Body() dto: UpdateDealDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentUser() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DealView> {
    return view(reply, await this.deals.update(caller, id, dto, ifMatch));
  }

  @Roles(Role.Operator, Role.Admin)
  @Post(':id/transition')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move a deal on: draft → signed → registered (needs a registration number) → completed; cancelled before completion',
  })
  @ApiOkResponse({ type: DealView })
  @ApiUnprocessableEntityResponse({ description: ILLEGAL })
  async transition(
    @Param('id', UuidPipe) id: string,
    @Body() dto: TransitionDealDto,
    @CurrentUser() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DealView> {
    return view(reply, await this.deals.transition(caller, id, dto));
  }

  @Roles(Role.Admin)
  @Post(':id/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify or reject a signed deal, with a reason: only verified deals count toward the targets' })
  @ApiOkResponse({ type: DealView })
  @ApiUnprocessableEntityResponse({ description: 'The deal is not signed yet, is cancelled, or already has this decision' })
  async verify(
    @Param('id', UuidPipe) id: string,
    @Body() dto: VerifyDealDto,
    @CurrentUser() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DealView> {
    return view(reply, await this.deals.verify(caller, id, dto));
  }

  @Roles(Role.Operator, Role.Admin)
  @Post(':id/adjustments')
  @ApiOperation({ summary: "Correct an amount of a deal with a signed delta dated today (the way to correct a closed month's deal)" })
  @ApiCreatedResponse({ type: AdjustmentReceiptView })
  @ApiUnprocessableEntityResponse({
    description: 'The deal is cancelled (adjusted amounts that break a ledger rule are a 400 AMOUNT_RULE)',
  })
  async addAdjustment(
    @Param('id', UuidPipe) id: string,
    @Body() dto: CreateAdjustmentDto,
    @CurrentUser() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdjustmentReceiptView> {
    const receipt = await this.deals.addAdjustment(caller, id, dto);
    tagged(reply, receipt.deal);
    return receipt;
  }

  @Roles(Role.Operator, Role.Admin)
  @Post(':id/payments')
  @ApiOperation({ summary: 'Record an amount received (到账) on a signed deal' })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: PaymentReceiptView })
  @ApiUnprocessableEntityResponse({
    description: `${ILLEGAL} (a payment that would take the received total above the contract amount is a 400 AMOUNT_RULE)`,
  })
  async addPayment(
    @Param('id', UuidPipe) id: string,
    @Body() dto: CreatePaymentDto,
    @CurrentUser() caller: Principal,
    @Idempotency() claim: IdempotencyClaim | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentReceiptView> {
    const receipt = answer(reply, await this.deals.addPayment(caller, id, dto, claim));
    tagged(reply, receipt.deal);
    return receipt;
  }
}
