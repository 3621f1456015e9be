import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsCalendarDate, IsMoney, Money, trim } from '#yizhi/core';
import { IsPatentNumber } from '../../patents/patent-number.js';
import { CatalogItemInput, CatalogSearchQueryDto, ReviewDto } from '../../shared/catalog-dto.js';
import { TransferMode } from '../listing.entity.js';

export class CreateListingDto extends CatalogItemInput {
  @ApiProperty({ example: '采用银烧结与铜线键合的碳化硅功率模块封装工艺，热阻降低30%。', maxLength: 5000 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  summary: string;

  @ApiProperty({ minimum: 1, maximum: 9, description: 'Technology readiness level (TRL)' })
  @IsInt()
  @Min(1)
  @Max(9)
  maturity: number;

  @ApiProperty({ enum: TransferMode, enumName: 'TransferMode', isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(TransferMode, { each: true })
  transferModes: TransferMode[];

  @ApiProperty({ type: String, nullable: true, example: '1500000.00', description: 'Yuan as a decimal string; null is 面议 (negotiable)' })
  @ValidateIf((_: unknown, value: unknown) => value !== null)
  @IsMoney()
  askingPrice: Money | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['ZL202110123456.X'],
    description: 'CNIPA application numbers; the check character is verified',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsPatentNumber()
  patentNumbers?: string[];

  @ApiPropertyOptional({ format: 'date', description: 'Default: one year after publication' })
  @IsOptional()
  @IsCalendarDate()
  validUntil?: string;
}

/** Any subset of the create body; `askingPrice: null` means 面议 again. */
export class UpdateListingDto extends PartialType(CreateListingDto, { skipNullProperties: false }) {}

export class ReviewListingDto extends ReviewDto {
  @ApiPropertyOptional({ description: 'Mark a major result (重大成果); only in an approving review' })
  @IsOptional()
  @IsBoolean()
  major?: boolean;
}

export class RenewListingDto {
  @ApiPropertyOptional({ format: 'date', description: 'Default: one year after today or after the current validUntil, whichever is later' })
  @IsOptional()
  @IsCalendarDate()
  validUntil?: string;
}

export class ListingSearchQueryDto extends CatalogSearchQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 9 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(9)
  maturityMin?: number;

  @ApiPropertyOptional({ enum: TransferMode, enumName: 'TransferMode' })
  @IsOptional()
  @IsEnum(TransferMode)
  transferMode?: TransferMode;

  @ApiPropertyOptional({
    type: String,
    example: '2000000',
    description: 'Listings with a known asking price at most this (面议 ones are left out)',
  })
  @IsOptional()
  @IsMoney()
  priceMax?: Money;
}
