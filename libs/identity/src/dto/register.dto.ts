import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsEmail, IsEnum, IsNotEmpty, IsObject, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { trim } from '#yizhi/core';
import { OrganizationKind } from '../organizations/organization.entity.js';
import { IsCreditCode } from '../organizations/is-credit-code.decorator.js';

export const lowerTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** Password rules shared by registration and admin-created users. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

export class RegisterOrganizationDto {
  @ApiProperty({ example: '重庆某某新材料科技有限公司' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: OrganizationKind, enumName: 'OrganizationKind' })
  @IsEnum(OrganizationKind)
  kind: OrganizationKind;

  @ApiProperty({ example: '914403001922038216', description: '统一社会信用代码, both check characters verified' })
  @IsCreditCode()
  creditCode: string;

  @ApiProperty({ example: '重庆市渝北区', description: 'A place name as people write it' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  region: string;
}

export class RegisterDto {
  @ApiProperty({ example: 'zhang.wei@example.cn' })
  @Transform(lowerTrim)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiProperty({ example: '张伟' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  displayName: string;

  @ApiProperty({ type: RegisterOrganizationDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RegisterOrganizationDto)
  organization: RegisterOrganizationDto;
}
