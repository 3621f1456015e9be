import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsCalendarDate, IsMoney, Money, trim } from '#yizhi/core';
import { CatalogItemInput, CatalogSearchQueryDto } from '../../shared/catalog-dto.js';

export class CreateNeedDto extends CatalogItemInput {
  @ApiProperty({ example: '需要一种可在150℃下长期工作的碳化硅功率模块封装方案。', maxLength: 5000 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  description: string;

  @ApiProperty({ type: String, example: '500000', description: 'Yuan as a decimal string' })
  @IsMoney()
  budgetMin: Money;

  @ApiProperty({ type: String, nullable: true, example: '2000000', description: 'null: no upper bound (面议)' })
  @ValidateIf((_: unknown, value: unknown) => value !== null)
  @IsMoney()
  budgetMax: Money | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 9,
    description: 'The least maturity (TRL) you can use; null or absent: any',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9)
  maturityMin?: number | null;

  @ApiProperty({ format: 'date', example: '2027-06-30' })
  @IsCalendarDate()
  deadline: string;
}

export class UpdateNeedDto extends PartialType(CreateNeedDto, { skipNullProperties: false }) {}

export class NeedSearchQueryDto extends CatalogSearchQueryDto {
  @ApiPropertyOptional({ type: String, description: 'Needs whose budget reaches at least this (or has no upper bound)' })
  @IsOptional()
  @IsMoney()
  budgetMin?: Money;

  @ApiPropertyOptional({ type: String, description: 'Needs whose minimum budget is at most this' })
  @IsOptional()
  @IsMoney()
  budgetMax?: Money;
}
