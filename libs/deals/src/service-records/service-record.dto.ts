import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsCalendarDate, IsUuid, PageQueryDto, trim } from '#yizhi/core';
import { IsCreditCode, type Organization } from '#yizhi/identity';
import { ServiceKind, type ServiceRecord } from './service-record.entity.js';

export const SERVICE_NOTE_MAX = 2000;

/** `POST /service-records`: the enterprise by id, or by credit code and name when it is not on the platform yet. */
export class CreateServiceRecordDto {
  @ApiProperty({ format: 'uuid', description: "The base that served: an operator's own base" })
  @IsUuid()
  baseId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An enterprise on the platform; or send enterpriseCreditCode and enterpriseName instead',
  })
  @ValidateIf(
    (dto: CreateServiceRecordDto) =>
      dto.enterpriseOrgId !== undefined || (dto.enterpriseCreditCode === undefined && dto.enterpriseName === undefined),
  )
  @IsUuid()
  enterpriseOrgId?: string;

  @ApiPropertyOptional({
    example: '91500000MA5U0XXXXX',
    description: '统一社会信用代码 of an enterprise not on the platform: it is added as pending',
  })
  @ValidateIf((dto: CreateServiceRecordDto) => dto.enterpriseCreditCode !== undefined || dto.enterpriseName !== undefined)
  @IsCreditCode()
  enterpriseCreditCode?: string;

  @ApiPropertyOptional({ maxLength: 200, example: '重庆某某精密制造有限公司', description: 'With enterpriseCreditCode' })
  @ValidateIf((dto: CreateServiceRecordDto) => dto.enterpriseCreditCode !== undefined || dto.enterpriseName !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  enterpriseName?: string;

  @ApiProperty({ enum: ServiceKind, enumName: 'ServiceKind', description: '咨询, 对接, 培训, 政策, 融资, 其他' })
  @IsEnum(ServiceKind)
  kind: ServiceKind;

  @ApiProperty({ format: 'date', example: '2026-05-20' })
  @IsCalendarDate()
  servedAt: string;

  @ApiPropertyOptional({ maxLength: SERVICE_NOTE_MAX, nullable: true, example: '为企业解读研发费用加计扣除政策' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(SERVICE_NOTE_MAX)
  note?: string | null;
}

/** `GET /service-records`. */
export class ServiceRecordListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admins: any base; operators: their own base only' })
  @IsOptional()
  @IsUuid()
  baseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  enterpriseOrgId?: string;

  @ApiPropertyOptional({ enum: ServiceKind, enumName: 'ServiceKind' })
  @IsOptional()
  @IsEnum(ServiceKind)
  kind?: ServiceKind;

  @ApiPropertyOptional({ format: 'date', description: 'Served on or after' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Served on or before' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class ServiceRecordView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) baseId: string;
  @ApiProperty({ format: 'uuid' }) enterpriseOrgId: string;
  @ApiProperty({ example: '91500000MA5U0XXXXX' }) enterpriseCreditCode: string;
  @ApiProperty() enterpriseName: string;
  @ApiProperty({ enum: ServiceKind, enumName: 'ServiceKind' }) kind: ServiceKind;
  @ApiProperty({ format: 'date' }) servedAt: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ format: 'uuid' }) createdById: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(record: ServiceRecord, enterprise: Pick<Organization, 'creditCode' | 'name'>): ServiceRecordView {
    return {
      id: record.id,
      baseId: record.baseId,
      enterpriseOrgId: record.enterpriseOrganizationId,
      enterpriseCreditCode: enterprise.creditCode,
      enterpriseName: enterprise.name,
      kind: record.kind,
      servedAt: record.servedAt,
      note: record.note,
      createdById: record.createdById,
      createdAt: record.createdAt.toISOString(),
    };
  }
}

export class ServiceRecordPageView {
  @ApiProperty({ type: [ServiceRecordView] }) items: ServiceRecordView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
