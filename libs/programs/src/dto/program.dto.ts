import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsCalendarDate, IsMoney, IsUuid, Money, trim, unlessAbsent } from '#yizhi/core';
import { VolumeMeasure } from '../program.entity.js';

/** The largest value of a PostgreSQL `integer` column. */
const INT_MAX = 2_147_483_647;
export const MILESTONES_MAX = 50;
export const ALLOCATIONS_MAX = 200;

const money = (description: string, example: string) => ApiProperty({ type: String, example, description });

/**
 * A count target: a whole number a PostgreSQL integer holds, at least `min`. Registered in the
 * order stacked decorators would be (bottom up), so that a wrong type is reported as such.
 */
function IsCount(min: number): PropertyDecorator {
  return (target, property) => {
    Max(INT_MAX)(target, property);
    Min(min)(target, property);
    IsInt()(target, property);
  };
}

/** The three figures of a milestone or an allocation: each may be zero. */
class TargetsInput {
  @money('Technology-transaction service volume, yuan', '6000000000.00')
  @IsMoney()
  volumeTarget: Money;

  @ApiProperty({ minimum: 0, maximum: INT_MAX, example: 3000 })
  @IsCount(0)
  enterprisesTarget: number;

  @ApiProperty({ minimum: 0, maximum: INT_MAX, example: 20 })
  @IsCount(0)
  majorResultsTarget: number;
}

export class MilestoneInput extends TargetsInput {
  @ApiProperty({
    format: 'date',
    example: '2027-05-31',
    description: 'The date by which these cumulative targets are due, within the program',
  })
  @IsCalendarDate()
  yearEnd: string;
}

/** `POST /programs`: the next plan. */
export class CreateProgramDto {
  @ApiProperty({ example: '2026-2031', description: 'Stable lower-case slug, unique' })
  @IsString()
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'code must be a lower-case slug such as "2026-2031"' })
  @MaxLength(64)
  code: string;

  @ApiProperty({ example: '易智网五年目标（2026—2031）', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ format: 'date', example: '2026-06-01' })
  @IsCalendarDate()
  startsOn: string;

  @ApiProperty({ format: 'date', example: '2031-05-31', description: 'After startsOn; both days are in the program' })
  @IsCalendarDate()
  endsOn: string;

  @money('Cumulative technology-transaction service volume, yuan; more than zero', '30000000000.00')
  @IsMoney()
  volumeTarget: Money;

  @ApiPropertyOptional({ enum: VolumeMeasure, enumName: 'VolumeMeasure', default: VolumeMeasure.TechTransactionAmount })
  @unlessAbsent
  @IsEnum(VolumeMeasure)
  volumeMeasure?: VolumeMeasure;

  @ApiProperty({ minimum: 1, maximum: INT_MAX, example: 15000 })
  @IsCount(1)
  enterprisesTarget: number;

  @ApiProperty({ minimum: 1, maximum: INT_MAX, example: 100 })
  @IsCount(1)
  majorResultsTarget: number;

  @ApiPropertyOptional({
    type: [MilestoneInput],
    maxItems: MILESTONES_MAX,
    description:
      'Cumulative targets by date, each within the program, none above its targets and none below an earlier one; ' +
      'progress follows them instead of a straight line',
  })
  @unlessAbsent
  @IsArray()
  @ArrayMaxSize(MILESTONES_MAX)
  @ValidateNested({ each: true })
  @Type(() => MilestoneInput)
  milestones?: MilestoneInput[];
}

export class AllocationInput extends TargetsInput {
  @ApiProperty({ format: 'uuid', description: 'An active base' })
  @IsUuid()
  baseId: string;
}

/** `PUT /programs/:id/allocations`: the whole set, which replaces the current one. */
export class ReplaceAllocationsDto {
  @ApiProperty({
    type: [AllocationInput],
    maxItems: ALLOCATIONS_MAX,
    description: 'One per base; need not add up to the targets (allocationCheck in the response says whether they do)',
  })
  @IsArray()
  @ArrayMaxSize(ALLOCATIONS_MAX)
  @ValidateNested({ each: true })
  @Type(() => AllocationInput)
  allocations: AllocationInput[];
}
