import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import { Base } from '#yizhi/bases';
import { newestFirstPage, pgError, type Page } from '#yizhi/core';
import { ProgramAllocation } from './program-allocation.entity.js';
import { ProgramMilestone } from './program-milestone.entity.js';
import { Program } from './program.entity.js';
import type { AllocationTargets, MilestoneTargets } from './program-rules.js';

/** SQLSTATE of an exclusion-constraint violation. */
const PG_EXCLUSION_VIOLATION = '23P01';

/** True when `error` is a violation of program_dates_excl: two plans overlap. */
export function isDatesOverlap(error: unknown): boolean {
  const pg = pgError(error);
  return pg?.code === PG_EXCLUSION_VIOLATION && pg.constraint === 'program_dates_excl';
}

/** Every query on `program`, `program_milestone` and `program_allocation`. */
@Injectable()
export class ProgramsRepository {
  constructor(@InjectRepository(Program) private readonly programs: Repository<Program>) {}

  list(page: { limit: number; cursor?: string }): Promise<Page<Program>> {
    return newestFirstPage(this.programs.createQueryBuilder('p'), 'p', page, (p) => p);
  }

  findById(manager: EntityManager, id: string): Promise<Program | null> {
    return manager.findOneBy(Program, { id });
  }

  lockById(manager: EntityManager, id: string): Promise<Program | null> {
    return manager.findOne(Program, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  codeTaken(manager: EntityManager, code: string): Promise<boolean> {
    return manager.existsBy(Program, { code });
  }

  /** A program sharing a day with [startsOn, endsOn] (both inclusive), if any. */
  overlapping(manager: EntityManager, startsOn: string, endsOn: string): Promise<Program | null> {
    return manager
      .createQueryBuilder(Program, 'p')
      .where(`daterange(p.startsOn, p.endsOn, '[]') && daterange(CAST(:startsOn AS date), CAST(:endsOn AS date), '[]')`, {
        startsOn,
        endsOn,
      })
      .orderBy('p.startsOn')
      .getOne();
  }

  insert(manager: EntityManager, values: Partial<Program>): Promise<Program> {
    return manager.save(manager.create(Program, values));
  }

  /** Inserts the program unless its code (or its dates) are taken already; true when it did. */
  async insertIfMissing(values: Partial<Program>): Promise<boolean> {
    const result = await this.programs.createQueryBuilder().insert().values(values).orIgnore().returning(['id']).execute();
    return (result.raw as unknown[]).length > 0;
  }

  async insertMilestones(manager: EntityManager, programId: string, milestones: readonly MilestoneTargets[]): Promise<void> {
    if (!milestones.length) return;
    await manager.insert(
      ProgramMilestone,
      milestones.map((m) => ({ ...m, programId })),
    );
  }

  /** By date. */
  milestones(manager: EntityManager, programId: string): Promise<ProgramMilestone[]> {
    return manager.find(ProgramMilestone, { where: { programId }, order: { yearEnd: 'ASC' } });
  }

  /** With their bases, in the bases' listing order (kind, code). */
  allocations(manager: EntityManager, programId: string): Promise<ProgramAllocation[]> {
    return manager
      .createQueryBuilder(ProgramAllocation, 'a')
      .innerJoinAndSelect('a.base', 'b')
      .where('a.programId = :programId', { programId })
      .orderBy('b.kind')
      .addOrderBy('b.code')
      .getMany();
  }

  /**
   * The bases among `ids` that exist, with their active flag, share-locked to the end of the
   * transaction: a base is not deactivated while an allocation to it is being written.
   */
  lockBases(manager: EntityManager, ids: readonly string[]): Promise<Pick<Base, 'id' | 'active'>[]> {
    if (!ids.length) return Promise.resolve([]);
    return manager.find(Base, { select: { id: true, active: true }, where: { id: In([...ids]) }, lock: { mode: 'pessimistic_read' } });
  }

  /**
   * Makes `allocations` the program's whole set: rows of other bases go, new ones come, and a
   * base's row is rewritten (and its updated_at moved) only when its figures change.
   */
  async replaceAllocations(manager: EntityManager, programId: string, allocations: readonly AllocationTargets[]): Promise<void> {
    await manager.query('DELETE FROM program_allocation WHERE program_id = $1 AND base_id <> ALL($2::uuid[])', [
      programId,
      allocations.map((a) => a.baseId),
    ]);
    if (!allocations.length) return;
    await manager.query(
      `INSERT INTO program_allocation AS a (program_id, base_id, volume_target, enterprises_target, major_results_target)
       SELECT $1, n.base_id, n.volume_target, n.enterprises_target, n.major_results_target
         FROM unnest($2::uuid[], $3::bigint[], $4::int[], $5::int[]) AS n(base_id, volume_target, enterprises_target, major_results_target)
       ON CONFLICT (program_id, base_id) DO UPDATE
          SET volume_target = EXCLUDED.volume_target,
              enterprises_target = EXCLUDED.enterprises_target,
              major_results_target = EXCLUDED.major_results_target,
              updated_at = now()
        WHERE (a.volume_target, a.enterprises_target, a.major_results_target)
              IS DISTINCT FROM (EXCLUDED.volume_target, EXCLUDED.enterprises_target, EXCLUDED.major_results_target)`,
      [
        programId,
        allocations.map((a) => a.baseId),
        allocations.map((a) => a.volumeTarget.fen.toString()),
        allocations.map((a) => a.enterprisesTarget),
        allocations.map((a) => a.majorResultsTarget),
      ],
    );
  }
}
