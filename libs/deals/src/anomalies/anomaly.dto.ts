import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsUuid, PageQueryDto, trim } from '#yizhi/core';
import { AnomalyRule, AnomalyStatus, type Anomaly } from './anomaly.entity.js';

/** `GET /anomalies`. */
export class AnomalyListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AnomalyStatus, enumName: 'AnomalyStatus', default: AnomalyStatus.Open })
  @IsOptional()
  @IsEnum(AnomalyStatus)
  status?: AnomalyStatus;

  @ApiPropertyOptional({ enum: AnomalyRule, enumName: 'AnomalyRule' })
  @IsOptional()
  @IsEnum(AnomalyRule)
  rule?: AnomalyRule;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  dealId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  baseId?: string;
}

/** `POST /anomalies/:id/resolve`. */
export class ResolveAnomalyDto {
  @ApiProperty({ maxLength: 2000, example: '经核实为母公司与子公司间的正常技术许可，已补充材料' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  note: string;
}

export class AnomalyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) dealId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) baseId: string | null;
  @ApiProperty({ enum: AnomalyRule, enumName: 'AnomalyRule' }) rule: AnomalyRule;
  @ApiProperty({ example: '技术开发合同的技术交易额与合同成交额相同（1500000.00元），未扣除任何非技术性费用' }) detail: string;
  @ApiProperty({ enum: AnomalyStatus, enumName: 'AnomalyStatus' }) status: AnomalyStatus;
  @ApiProperty({ type: String, nullable: true }) resolutionNote: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) resolvedById: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(anomaly: Anomaly): AnomalyView {
    return {
      id: anomaly.id,
      dealId: anomaly.dealId,
      baseId: anomaly.deal?.baseId ?? null,
      rule: anomaly.rule,
      detail: anomaly.detail,
      status: anomaly.status,
      resolutionNote: anomaly.resolutionNote,
      resolvedById: anomaly.resolvedById,
      resolvedAt: anomaly.resolvedAt?.toISOString() ?? null,
      createdAt: anomaly.createdAt.toISOString(),
    };
  }
}

export class AnomalyPageView {
  @ApiProperty({ type: [AnomalyView] }) items: AnomalyView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
