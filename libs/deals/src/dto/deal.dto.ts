import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate, IsMoney, IsUuid, Money, PageQueryDto, trim, unlessAbsent } from '#yizhi/core';
import { FIELD_CODE_MESSAGE, FIELD_CODES } from '#yizhi/fields';
import { DealCategory, DealStatus, DealVerification } from '../deal-status.js';
import { AdjustedAmount, REGISTRATION_NO } from '../deal.entity.js';

export const DEAL_TITLE_MAX = 200;
export const DEAL_REASON_MAX = 1000;

const amount = (description: string, example = '1500000.00') => ApiProperty({ type: String, example, description });
const REGISTRATION_MESSAGE = 'registrationNo must be 14 to 24 digits or capital letters';

/** The columns a deal's creator sets and an edit may change. */
class DealTerms {
  @ApiPropertyOptional({ maxLength: DEAL_TITLE_MAX, nullable: true, example: '碳化硅功率模块封装技术许可合同', description: '合同名称' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(DEAL_TITLE_MAX)
  title?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'The listing (科技成果) the deal transfers, if any' })
  @IsOptional()
  @IsUuid()
  listingId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: "The buyer's need (技术需求) it answers, if any" })
  @IsOptional()
  @IsUuid()
  needId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'The broker (技术经理人): an operator of the base' })
  @IsOptional()
  @IsUuid()
  brokerId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '50000.00', description: "The base's service fee, when there is one" })
  @IsOptional()
  @IsMoney()
  serviceFee?: Money | null;

  @ApiPropertyOptional({ nullable: true, example: '2026500001002345', description: '登记编号: 14–24 digits or capital letters, unique' })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: REGISTRATION_MESSAGE })
  @Matches(REGISTRATION_NO, { message: REGISTRATION_MESSAGE })
  registrationNo?: string | null;
}

/** `POST /deals`. */
export class CreateDealDto extends DealTerms {
  @ApiProperty({ format: 'uuid', description: 'The base the deal is brokered at: an operator’s own base' })
  @IsUuid()
  baseId: string;

  @ApiProperty({ format: 'uuid', description: 'The seller organisation (usually the institute)' })
  @IsUuid()
  sellerOrgId: string;

  @ApiProperty({ format: 'uuid', description: 'The buyer organisation (usually the enterprise)' })
  @IsUuid()
  buyerOrgId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The lead (意向对接) of the base it came from: it must be negotiating, and is converted',
  })
  @IsOptional()
  @IsUuid()
  leadId?: string | null;

  @ApiProperty({
    enum: DealCategory,
    enumName: 'DealCategory',
    description: '技术开发 development, 转让 transfer, 许可 licence, 咨询 consulting, 服务 service',
  })
  @IsEnum(DealCategory)
  category: DealCategory;

  @ApiProperty({ enum: FIELD_CODES, description: 'A code of GET /fields' })
  @IsIn(FIELD_CODES, { message: FIELD_CODE_MESSAGE })
  field: string;

  @amount('合同成交额')
  @IsMoney()
  contractAmount: Money;

  @amount('技术交易额: at most the contract amount', '1200000.00')
  @IsMoney()
  techTransactionAmount: Money;

  @ApiProperty({ format: 'date', example: '2026-05-01', description: 'The signing date' })
  @IsCalendarDate()
  signedAt: string;
}

/** `PATCH /deals/:id` (with If-Match): any of the terms; absent ones stay, null clears an optional one. */
export class UpdateDealDto extends DealTerms {
  @ApiPropertyOptional({ format: 'uuid' })
  @unlessAbsent
  @IsUuid()
  sellerOrgId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @unlessAbsent
  @IsUuid()
  buyerOrgId?: string;

  @ApiPropertyOptional({ enum: DealCategory, enumName: 'DealCategory' })
  @unlessAbsent
  @IsEnum(DealCategory)
  category?: DealCategory;

  @ApiPropertyOptional({ enum: FIELD_CODES })
  @unlessAbsent
  @IsIn(FIELD_CODES, { message: FIELD_CODE_MESSAGE })
  field?: string;

  @ApiPropertyOptional({ type: String, example: '1500000.00' })
  @unlessAbsent
  @IsMoney()
  contractAmount?: Money;

  @ApiPropertyOptional({ type: String, example: '1200000.00' })
  @unlessAbsent
  @IsMoney()
  techTransactionAmount?: Money;

  @ApiPropertyOptional({ format: 'date', example: '2026-05-01' })
  @unlessAbsent
  @IsCalendarDate()
  signedAt?: string;
}

/** `POST /deals/:id/transition`. */
export class TransitionDealDto {
  @ApiProperty({
    enum: DealStatus,
    enumName: 'DealStatus',
    description: 'draft → signed → registered → completed; cancelled from any but completed',
  })
  @IsEnum(DealStatus)
  to: DealStatus;
}

/** `POST /deals/:id/verify`. */
export class VerifyDealDto {
  @ApiProperty({ enum: [DealVerification.Verified, DealVerification.Rejected] })
  @IsIn([DealVerification.Verified, DealVerification.Rejected], { message: 'decision must be "verified" or "rejected"' })
  decision: DealVerification.Verified | DealVerification.Rejected;

  @ApiProperty({ maxLength: DEAL_REASON_MAX, example: '合同与登记材料一致' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(DEAL_REASON_MAX)
  reason: string;
}

/** `POST /deals/:id/payments`. */
export class CreatePaymentDto {
  @ApiProperty({ type: String, example: '300000.00', description: 'More than zero; the received total stays within the contract amount' })
  @IsMoney()
  amount: Money;

  @ApiProperty({ format: 'date', example: '2026-06-15' })
  @IsCalendarDate()
  receivedAt: string;
}

/** `GET /deals`. */
export class DealListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admins: any base; operators: their own base only' })
  @IsOptional()
  @IsUuid()
  baseId?: string;

  @ApiPropertyOptional({ enum: DealStatus, enumName: 'DealStatus' })
  @IsOptional()
  @IsEnum(DealStatus)
  status?: DealStatus;

  @ApiPropertyOptional({ enum: DealVerification, enumName: 'DealVerification' })
  @IsOptional()
  @IsEnum(DealVerification)
  verification?: DealVerification;

  @ApiPropertyOptional({ enum: DealCategory, enumName: 'DealCategory' })
  @IsOptional()
  @IsEnum(DealCategory)
  category?: DealCategory;

  @ApiPropertyOptional({ enum: FIELD_CODES })
  @IsOptional()
  @IsIn(FIELD_CODES, { message: FIELD_CODE_MESSAGE })
  field?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Signed on or after' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Signed on or before' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

const DELTA = /^[+-]?\s*[0-9０-９]/;

/** `POST /deals/:id/adjustments`. */
export class CreateAdjustmentDto {
  @ApiProperty({ enum: AdjustedAmount, enumName: 'AdjustedAmount' })
  @IsEnum(AdjustedAmount)
  field: AdjustedAmount;

  @ApiProperty({
    type: String,
    example: '-12000.00',
    description: 'A signed amount: "-12000.00" lowers the amount, "+500" or "500" raises it; not zero',
  })
  @IsString({ message: 'delta must be a signed amount such as "-12000.00" or "+500"' })
  @Matches(DELTA, { message: 'delta must be a signed amount such as "-12000.00" or "+500"' })
  delta: string;

  @ApiProperty({ maxLength: DEAL_REASON_MAX, example: '合同补充协议核减设备费' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(DEAL_REASON_MAX)
  reason: string;
}
