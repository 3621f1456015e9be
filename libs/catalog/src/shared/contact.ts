import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { trim } from '#yizhi/core';

/** Who to talk to about a listing or need (联系人); stored as jsonb. */
export class ContactDto {
  @ApiPropertyOptional({ example: '王老师' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  name: string;

  @ApiPropertyOptional({ example: '023-68888888' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^\+?[0-9][0-9 -]{5,19}$/, { message: 'contact.phone must be a phone number such as 023-68888888 or 13800000000' })
  phone?: string;

  @ApiPropertyOptional({ example: 'tech-transfer@example.edu.cn' })
  @IsOptional()
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

export interface Contact {
  name: string;
  phone?: string;
  email?: string;
}
