import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsUuid } from '#yizhi/core';
import type { PaceStatus } from '../progress/pacing.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MONTH_MESSAGE = (field: string) => `${field} must be a month such as 2026-05`;

export class ProgressQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the program whose dates include today (else the latest begun)' })
  @IsOptional()
  @IsUuid()
  programId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "One base's progress against its allocation; an operator's own base by default" })
  @IsOptional()
  @IsUuid()
  baseId?: string;
}

export const BREAKDOWN_DIMENSIONS = ['base', 'field', 'month', 'category'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export class BreakdownQueryDto {
  @ApiProperty({ enum: BREAKDOWN_DIMENSIONS })
  @IsIn(BREAKDOWN_DIMENSIONS, { message: `by must be one of ${BREAKDOWN_DIMENSIONS.join(', ')}` })
  by: BreakdownDimension;

  @ApiPropertyOptional({ example: '2025-01', description: 'First month included (YYYY-MM)' })
  @IsOptional()
  @Matches(MONTH, { message: MONTH_MESSAGE('from') })
  from?: string;

  @ApiPropertyOptional({ example: '2025-12', description: 'Last month included (YYYY-MM)' })
  @IsOptional()
  @Matches(MONTH, { message: MONTH_MESSAGE('to') })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins: one base; operators: their own (the default)' })
  @IsOptional()
  @IsUuid()
  baseId?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be "json" or "csv"' })
  format?: 'json' | 'csv';
}

/** One target's standing. Money strings for the volume, integers for the counts; null where there is no target to compare with. */
export class TargetProgressView {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], example: '1234567.89' }) actual: string | number;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true }) target: string | number | null;
  @ApiProperty({ nullable: true, example: 41.15, description: 'actual ÷ target, in percent with two decimals' }) percent: number | null;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true, description: 'By the linear plan, or the milestones' })
  expectedToDate: string | number | null;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], description: "At the program's end, from the trailing 12 months' rate" })
  projected: string | number;
  @ApiProperty({ enum: ['ahead', 'on_track', 'behind'], nullable: true }) status: PaceStatus | null;
}

export class ProgressView {
  @ApiProperty({ nullable: true, description: 'When the rollups were last brought up to date' }) asOf: string | null;
  @ApiProperty({ format: 'uuid' }) programId: string;
  @ApiProperty({ format: 'uuid', nullable: true }) baseId: string | null;
  @ApiProperty({ example: '2026-05-31', description: 'The day the expected and projected figures are computed for' }) today: string;
  @ApiProperty({ enum: ['techTransactionAmount', 'contractAmount'] }) volumeMeasure: string;
  @ApiProperty() volume: TargetProgressView;
  @ApiProperty() enterprisesServed: TargetProgressView;
  @ApiProperty() majorResults: TargetProgressView;
}

export class BreakdownRowView {
  @ApiProperty({ description: 'Base id, field code, month (YYYY-MM) or category code' }) key: string;
  @ApiProperty({ description: 'Its Chinese name' }) label: string;
  @ApiProperty() dealCount: number;
  @ApiProperty({ example: '1500000.00' }) contractAmount: string;
  @ApiProperty({ example: '1200000.00' }) techTransactionAmount: string;
  @ApiProperty({ example: '300000.00' }) receivedAmount: string;
  @ApiProperty({ nullable: true, description: 'Distinct enterprises served (by base and by month only)' }) enterprisesServed: number | null;
}

export class BreakdownView {
  @ApiProperty({ enum: BREAKDOWN_DIMENSIONS }) by: BreakdownDimension;
  @ApiProperty({ nullable: true }) from: string | null;
  @ApiProperty({ nullable: true }) to: string | null;
  @ApiProperty({ nullable: true }) baseId: string | null;
  @ApiProperty({ type: [BreakdownRowView] }) items: BreakdownRowView[];
  @ApiProperty({ type: BreakdownRowView, description: 'Every row together (key and label "total")' }) total: BreakdownRowView;
}

export class RebuildAcceptedView {
  @ApiProperty({ description: 'Follow it with GET /jobs/:id' }) jobId: string;
}
