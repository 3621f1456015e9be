import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEnum, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ListingView, NeedView } from '#yizhi/catalog';
import { DismissalReason } from '../storage/match-dismissal.entity.js';

export class MatchesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 10;
}

export class MatchReasonView {
  @ApiProperty({ example: 'FIELD_MATCH' }) code: string;
  @ApiProperty({ example: '技术领域一致' }) label: string;
}

export class ListingMatchView {
  @ApiProperty({ type: ListingView }) listing: ListingView;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.82 }) score: number;
  @ApiProperty({ type: [MatchReasonView] }) reasons: MatchReasonView[];
}

export class NeedMatchesView {
  @ApiProperty({ type: [ListingMatchView], description: 'Best first' }) items: ListingMatchView[];
}

export class NeedMatchView {
  @ApiProperty({ type: NeedView }) need: NeedView;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.82 }) score: number;
  @ApiProperty({ type: [MatchReasonView] }) reasons: MatchReasonView[];
}

export class ListingMatchesView {
  @ApiProperty({ type: [NeedMatchView], description: 'Best first' }) items: NeedMatchView[];
}

export class DismissMatchDto {
  @ApiProperty({ enum: DismissalReason, enumName: 'DismissalReason' })
  @IsEnum(DismissalReason, { message: `reason must be one of ${Object.values(DismissalReason).join(', ')}` })
  reason: DismissalReason;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  note?: string;
}

export class MatchFeedbackView {
  @ApiProperty() total: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { irrelevant: 4, too_early: 1, too_expensive: 2, already_known: 0, other: 0 },
  })
  byReason: Record<DismissalReason, number>;
}
