import { ApiProperty } from '@nestjs/swagger';
import { VolumeMeasure, type Program } from '../program.entity.js';
import type { ProgramAllocation } from '../program-allocation.entity.js';
import type { ProgramMilestone } from '../program-milestone.entity.js';
import type { AllocationCheck } from '../program-rules.js';

const money = (description: string, example = '30000000000.00') => ApiProperty({ type: String, example, description });

/** A program in a list: its dates and targets. */
export class ProgramSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2021-2026' }) code: string;
  @ApiProperty({ example: '易智网五年目标（2021—2026）' }) name: string;
  @ApiProperty({ format: 'date', example: '2021-06-01' }) startsOn: string;
  @ApiProperty({ format: 'date', example: '2026-05-31' }) endsOn: string;
  @money('Technology-transaction service volume target, yuan') volumeTarget: string;
  @ApiProperty({ enum: VolumeMeasure, enumName: 'VolumeMeasure', description: 'Which deal amount the volume target measures' })
  volumeMeasure: VolumeMeasure;
  @ApiProperty({ example: 15000 }) enterprisesTarget: number;
  @ApiProperty({ example: 100 }) majorResultsTarget: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(program: Program): ProgramSummaryView {
    return {
      id: program.id,
      code: program.code,
      name: program.name,
      startsOn: program.startsOn,
      endsOn: program.endsOn,
      volumeTarget: program.volumeTarget.toString(),
      volumeMeasure: program.volumeMeasure,
      enterprisesTarget: program.enterprisesTarget,
      majorResultsTarget: program.majorResultsTarget,
      createdAt: program.createdAt.toISOString(),
    };
  }
}

export class ProgramPageView {
  @ApiProperty({ type: [ProgramSummaryView], description: 'Newest first' }) items: ProgramSummaryView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class MilestoneView {
  @ApiProperty({ format: 'date', example: '2022-05-31', description: 'The date by which these cumulative targets are due' })
  yearEnd: string;
  @money('Cumulative volume due by yearEnd, yuan', '6000000000.00') volumeTarget: string;
  @ApiProperty({ example: 3000 }) enterprisesTarget: number;
  @ApiProperty({ example: 20 }) majorResultsTarget: number;

  static of(milestone: ProgramMilestone): MilestoneView {
    return {
      yearEnd: milestone.yearEnd,
      volumeTarget: milestone.volumeTarget.toString(),
      enterprisesTarget: milestone.enterprisesTarget,
      majorResultsTarget: milestone.majorResultsTarget,
    };
  }
}

export class AllocationView {
  @ApiProperty({ format: 'uuid' }) baseId: string;
  @ApiProperty({ example: 'liangjiang' }) baseCode: string;
  @ApiProperty({ example: '易智网两江新区线下服务基地' }) baseName: string;
  @money("The base's share of the volume target, yuan", '5000000000.00') volumeTarget: string;
  @ApiProperty({ example: 2500 }) enterprisesTarget: number;
  @ApiProperty({ example: 15 }) majorResultsTarget: number;
  @ApiProperty({ format: 'date-time', description: "When this base's figures last changed" }) updatedAt: string;

  /** `allocation` with its base joined. */
  static of(allocation: ProgramAllocation): AllocationView {
    return {
      baseId: allocation.baseId,
      baseCode: allocation.base!.code,
      baseName: allocation.base!.name,
      volumeTarget: allocation.volumeTarget.toString(),
      enterprisesTarget: allocation.enterprisesTarget,
      majorResultsTarget: allocation.majorResultsTarget,
      updatedAt: allocation.updatedAt.toISOString(),
    };
  }
}

export class VolumeCheckView {
  @money('The sum of the allocations, yuan') allocated: string;
  @money("The program's target, yuan") target: string;
  @ApiProperty({ description: 'allocated equals target' }) balanced: boolean;
}

export class CountCheckView {
  @ApiProperty({ description: 'The sum of the allocations' }) allocated: number;
  @ApiProperty({ description: "The program's target" }) target: number;
  @ApiProperty({ description: 'allocated equals target' }) balanced: boolean;
}

/** Whether the allocations add up to each target; unbalanced allocations are accepted, and flagged here. */
export class AllocationCheckView {
  @ApiProperty({ description: 'All three balanced' }) balanced: boolean;
  @ApiProperty({ type: VolumeCheckView, description: 'volumeTarget' }) volume: VolumeCheckView;
  @ApiProperty({ type: CountCheckView, description: 'enterprisesTarget' }) enterprisesServed: CountCheckView;
  @ApiProperty({ type: CountCheckView, description: 'majorResultsTarget' }) majorResults: CountCheckView;

  static of(check: AllocationCheck): AllocationCheckView {
    return {
      balanced: check.balanced,
      volume: { allocated: check.volume.allocated.toString(), target: check.volume.target.toString(), balanced: check.volume.balanced },
      enterprisesServed: { ...check.enterprisesServed },
      majorResults: { ...check.majorResults },
    };
  }
}

/** A program with its milestones (by date), its allocations (in the bases' listing order) and their check. */
export class ProgramView extends ProgramSummaryView {
  @ApiProperty({ type: [MilestoneView], description: 'Cumulative targets, by date; empty when progress follows a straight line' })
  milestones: MilestoneView[];
  @ApiProperty({ type: [AllocationView], description: 'Per base, in the listing order of GET /bases' }) allocations: AllocationView[];
  @ApiProperty({ type: AllocationCheckView }) allocationCheck: AllocationCheckView;
}
