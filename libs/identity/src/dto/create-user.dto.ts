import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { Role } from '#yizhi/core';
import { lowerTrim, PASSWORD_MAX, PASSWORD_MIN } from './register.dto.js';

const STAFF_ROLES = [Role.Operator, Role.Admin] as const;

export class CreateUserDto {
  @ApiProperty()
  @Transform(lowerTrim)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  displayName: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES, { message: 'role must be "operator" or "admin"; enterprises and institutes register themselves' })
  role: Role.Operator | Role.Admin;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for operators, refused for admins' })
  @ValidateIf((o: CreateUserDto) => o.role === Role.Operator || o.baseId !== undefined)
  @IsUUID('all', { message: 'baseId must be the UUID of a base (required for operators)' })
  baseId?: string;
}
