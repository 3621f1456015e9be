import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { PageQueryDto, queryBoolean, trim, unlessAbsent } from '#yizhi/core';
import { LeadStatus } from '../lead-status.js';

export const LEAD_MESSAGE_MAX = 2000;
export const LEAD_NOTE_MAX = 2000;
export const LEAD_REASON_MAX = 1000;

/** `POST /listings/:id/interest`. */
export class ExpressInterestDto {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'A published need of your organization that this interest answers; null or absent: none',
  })
  @IsOptional()
  @IsUUID('all', { message: 'needId must be a UUID' })
  needId?: string | null;

  @ApiProperty({
    minLength: 1,
    maxLength: LEAD_MESSAGE_MAX,
    example: '我公司正在开发新能源汽车电驱系统，希望就碳化硅功率模块封装工艺的许可方式与贵院洽谈。',
    description: "To the listing's owner and the base's operators; trimmed",
  })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(LEAD_MESSAGE_MAX)
  message: string;
}

/** `PATCH /leads/:id`: any of a status change, a reassignment and a note, applied together. */
export class UpdateLeadDto {
  @ApiPropertyOptional({
    enum: LeadStatus,
    enumName: 'LeadStatus',
    description: 'new → contacted → negotiating → converted; closed (with a reason) from any open state',
  })
  @unlessAbsent
  @IsEnum(LeadStatus)
  status?: LeadStatus;

  @ApiPropertyOptional({
    maxLength: LEAD_REASON_MAX,
    description: 'Why the lead is closed: required with status "closed", refused otherwise',
  })
  @ValidateIf((dto: UpdateLeadDto) => dto.status === LeadStatus.Closed || dto.reason !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'reason is required when closing' })
  @MaxLength(LEAD_REASON_MAX)
  reason?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Reassign to this operator of the lead's base" })
  @unlessAbsent
  @IsUUID('all', { message: 'operatorId must be a UUID' })
  operatorId?: string;

  @ApiPropertyOptional({ maxLength: LEAD_NOTE_MAX, description: "A working note for the base's staff (the parties do not see notes)" })
  @unlessAbsent
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(LEAD_NOTE_MAX)
  note?: string;
}

/** `GET /leads`. */
export class LeadListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LeadStatus, enumName: 'LeadStatus' })
  @IsOptional()
  @IsEnum(LeadStatus)
  status?: LeadStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins: any base; operators: their own base only' })
  @IsOptional()
  @IsUUID('all', { message: 'baseId must be a UUID' })
  baseId?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true: only open leads idle for 3 working days; false: only the others' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  overdue?: boolean;
}
