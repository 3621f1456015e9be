import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from '#yizhi/core';
import { Base, BaseKind, PROVINCES, type Province } from '../base.entity.js';

export class BaseView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'branch-wanzhou' }) code: string;
  @ApiProperty({ example: '易智网万州分基地' }) name: string;
  @ApiProperty({ enum: BaseKind, enumName: 'BaseKind' }) kind: BaseKind;
  @ApiProperty({ enum: PROVINCES }) province: Province;
  @ApiProperty({ example: '重庆' }) city: string;
  @ApiProperty({ type: String, nullable: true, example: '万州区' }) district: string | null;
  @ApiProperty({ type: String, nullable: true }) address: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(base: Base): BaseView {
    return {
      id: base.id,
      code: base.code,
      name: base.name,
      kind: base.kind,
      province: base.province,
      city: base.city,
      district: base.district,
      address: base.address,
      active: base.active,
      createdAt: base.createdAt.toISOString(),
      updatedAt: base.updatedAt.toISOString(),
    };
  }
}

export class BasePageView {
  @ApiProperty({ type: [BaseView] }) items: BaseView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class CreateBaseDto {
  @ApiProperty({ example: 'branch-wanzhou', description: 'Stable lower-case slug, unique' })
  @IsString()
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'code must be a lower-case slug such as "branch-wanzhou"' })
  @MaxLength(64)
  code: string;

  @ApiProperty({ example: '易智网万州分基地' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiProperty({ enum: BaseKind, enumName: 'BaseKind' })
  @IsEnum(BaseKind)
  kind: BaseKind;

  @ApiProperty({ enum: PROVINCES })
  @IsIn(PROVINCES)
  province: Province;

  @ApiProperty({ example: '重庆' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  city: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '万州区' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  district?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  address?: string | null;

  @ApiPropertyOptional({ default: true })
  // Not @IsOptional(), which would let null through to a NOT NULL column: only absence is optional.
  @ValidateIf((_: unknown, value: unknown) => value !== undefined)
  @IsBoolean()
  active?: boolean;
}

/**
 * Every field but `code` optional. The code is the base's stable key (the seed and imports find
 * bases by it), so it cannot change; sending it is a 400 like any unknown field. `null` is
 * validated rather than skipped: only `district` and `address` may be cleared with null, and
 * `{"name": null}` is a 400, not a 500.
 */
export class UpdateBaseDto extends PartialType(OmitType(CreateBaseDto, ['code'] as const), { skipNullProperties: false }) {}

export class ListBasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: BaseKind, enumName: 'BaseKind' })
  @IsOptional()
  @IsEnum(BaseKind)
  kind?: BaseKind;

  @ApiPropertyOptional({ enum: PROVINCES })
  @IsOptional()
  @IsIn(PROVINCES)
  province?: Province;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}
