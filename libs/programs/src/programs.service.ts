import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '#yizhi/audit';
import { isUniqueViolation, NotFoundException, ValidationFailedException, type Page, type Principal } from '#yizhi/core';
import { AllocationCheckView, AllocationView, MilestoneView, ProgramSummaryView, ProgramView } from './dto/program.view.js';
import type { CreateProgramDto, ReplaceAllocationsDto } from './dto/program.dto.js';
import { ProgramException } from './program.exception.js';
import { allocationCheck, allocationProblems, planProblems, type AllocationTargets } from './program-rules.js';
import { Program, VolumeMeasure } from './program.entity.js';
import { FIVE_YEAR_PROGRAM } from './program.seed.js';
import { isDatesOverlap, ProgramsRepository } from './programs.repository.js';

/** An allocation as the audit trail records it. */
const allocationSnapshot = (a: AllocationView) => ({
  baseId: a.baseId,
  volumeTarget: a.volumeTarget,
  enterprisesTarget: a.enterprisesTarget,
  majorResultsTarget: a.majorResultsTarget,
});

@Injectable()
export class ProgramsService {
  constructor(
    private readonly programs: ProgramsRepository,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Newest first. */
  list(page: { limit: number; cursor?: string }): Promise<Page<Program>> {
    return this.programs.list(page);
  }

  /** The program with its milestones, allocations and their check; 404 when there is none. */
  get(id: string): Promise<ProgramView> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const program = await this.programs.findById(manager, id);
      if (!program) throw new NotFoundException('program', id);
      return this.view(manager, program);
    });
  }

  /**
   * Creates the next plan with its milestones. Refuses a plan that contradicts itself (400), a
   * code in use (409) and dates that overlap another program's (422).
   */
  async create(dto: CreateProgramDto, caller: Principal): Promise<ProgramView> {
    const milestones = dto.milestones ?? [];
    const problems = planProblems({ ...dto, milestones });
    if (problems.length) throw new ValidationFailedException(problems);
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (await this.programs.codeTaken(manager, dto.code)) throw ProgramException.codeTaken(dto.code);
        const other = await this.programs.overlapping(manager, dto.startsOn, dto.endsOn);
        if (other) throw ProgramException.datesOverlap(other);
        const program = await this.programs.insert(manager, {
          code: dto.code,
          name: dto.name,
          startsOn: dto.startsOn,
          endsOn: dto.endsOn,
          volumeTarget: dto.volumeTarget,
          volumeMeasure: dto.volumeMeasure ?? VolumeMeasure.TechTransactionAmount,
          enterprisesTarget: dto.enterprisesTarget,
          majorResultsTarget: dto.majorResultsTarget,
        });
        await this.programs.insertMilestones(manager, program.id, milestones);
        const view = await this.view(manager, program);
        const { allocations: _allocations, allocationCheck: _check, ...created } = view;
        await this.audit.record(manager, {
          actor: caller,
          action: 'program.create',
          entity: 'program',
          entityId: program.id,
          before: null,
          after: created,
        });
        return view;
      });
    } catch (error) {
      // A concurrent create got there first: the constraints answer as the checks above would have.
      if (isUniqueViolation(error, 'program_code_key')) throw ProgramException.codeTaken(dto.code);
      if (isDatesOverlap(error)) throw ProgramException.datesOverlap();
      throw error;
    }
  }

  /**
   * Replaces the program's allocations with `dto.allocations`, in one transaction, and answers
   * with the program. Allocations to unknown or inactive bases are refused (422); allocations
   * that do not add up to the targets are kept, and allocationCheck says so.
   */
  async replaceAllocations(id: string, dto: ReplaceAllocationsDto, caller: Principal): Promise<ProgramView> {
    const allocations: AllocationTargets[] = dto.allocations;
    const problems = allocationProblems(allocations);
    if (problems.length) throw new ValidationFailedException(problems);
    return this.dataSource.transaction(async (manager) => {
      const program = await this.programs.lockById(manager, id);
      if (!program) throw new NotFoundException('program', id);
      await this.assertActiveBases(manager, allocations);
      const before = await this.view(manager, program);
      await this.programs.replaceAllocations(manager, program.id, allocations);
      const after = await this.view(manager, program);
      await this.audit.record(manager, {
        actor: caller,
        action: 'program.allocate',
        entity: 'program',
        entityId: program.id,
        before: { allocations: before.allocations.map(allocationSnapshot), allocationCheck: before.allocationCheck },
        after: { allocations: after.allocations.map(allocationSnapshot), allocationCheck: after.allocationCheck },
      });
      return after;
    });
  }

  /** Creates the five-year program if it is missing; returns how many rows were inserted. */
  async seed(): Promise<number> {
    return (await this.programs.insertIfMissing({ ...FIVE_YEAR_PROGRAM })) ? 1 : 0;
  }

  /** 422 naming every allocation whose base does not exist or is inactive. */
  private async assertActiveBases(manager: EntityManager, allocations: readonly AllocationTargets[]): Promise<void> {
    const bases = new Map((await this.programs.lockBases(manager, [...new Set(allocations.map((a) => a.baseId))])).map((b) => [b.id, b]));
    const unavailable = allocations.flatMap((allocation, i) => {
      const base = bases.get(allocation.baseId);
      if (base?.active) return [];
      const field = `allocations[${i}].baseId`;
      return [{ field, message: base ? `${field} is an inactive base` : `${field} is not a base on the platform` }];
    });
    if (unavailable.length) throw ProgramException.basesUnavailable(unavailable);
  }

  private async view(manager: EntityManager, program: Program): Promise<ProgramView> {
    // One after the other: a transaction's queries share one connection.
    const milestones = await this.programs.milestones(manager, program.id);
    const allocations = await this.programs.allocations(manager, program.id);
    return {
      ...ProgramSummaryView.of(program),
      milestones: milestones.map(MilestoneView.of),
      allocations: allocations.map(AllocationView.of),
      allocationCheck: AllocationCheckView.of(allocationCheck(program, allocations)),
    };
  }
}
