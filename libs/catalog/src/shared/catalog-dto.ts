import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto, queryBoolean, trim, trimEach } from '#yizhi/core';
import { FIELD_CODE_MESSAGE, FIELD_CODES } from '#yizhi/fields';
import { ContactDto } from './contact.js';

/** Fields a listing and a need share, as clients send them. */
export class CatalogItemInput {
  @ApiProperty({ example: '碳化硅功率模块封装技术', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @ApiProperty({ enum: FIELD_CODES, description: 'A code of GET /fields' })
  @IsIn(FIELD_CODES, { message: FIELD_CODE_MESSAGE })
  field: string;

  @ApiPropertyOptional({ type: [String], example: ['碳化硅', '功率器件'], maxItems: 20 })
  @IsOptional()
  @Transform(trimEach)
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(30, { each: true })
  keywords?: string[];

  @ApiPropertyOptional({ type: ContactDto, nullable: true })
  @ValidateIf((_: unknown, value: unknown) => value !== null && value !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '重庆市沙坪坝区' })
  @ValidateIf((_: unknown, value: unknown) => value !== null && value !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  region?: string | null;
}

/** `{decision, reason}` of an admin's review; a rejection needs a reason. */
export class ReviewDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  decision: 'approve' | 'reject';

  @ApiPropertyOptional({ description: 'Required when rejecting' })
  @ValidateIf((o: ReviewDto) => o.decision === 'reject' || o.reason !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'reason is required when rejecting' })
  @MaxLength(1000)
  reason?: string;
}

/** The query of GET /listings and GET /needs that both share. */
export class CatalogSearchQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Chinese full-text query, 1 character and up (MEMS传感器, 5G, 碳化硅)', maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: FIELD_CODES })
  @IsOptional()
  @IsIn(FIELD_CODES, { message: FIELD_CODE_MESSAGE })
  field?: string;

  @ApiPropertyOptional({ example: '重庆', description: 'Items whose region contains this text' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  region?: string;

  @ApiPropertyOptional({ enum: ['relevance', 'newest'], description: 'Default: relevance with q, else newest' })
  @IsOptional()
  @IsIn(['relevance', 'newest'])
  sort?: 'relevance' | 'newest';

  @ApiPropertyOptional({ type: Boolean, description: "Your organisation's items in every state (signed in)" })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  mine?: boolean;
}
