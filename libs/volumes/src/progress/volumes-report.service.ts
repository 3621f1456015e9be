import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { fenText, NotFoundException, platformDate } from '#yizhi/core';
import { DEAL_CATEGORY_NAMES, type DealCategory } from '#yizhi/deals';
import { Program, ProgramAllocation, ProgramMilestone, VolumeMeasure } from '#yizhi/programs';
import type { BreakdownDimension, BreakdownRowView, BreakdownView, ProgressView } from '../dto/volumes.dto.js';
import { expectedToDate, paceStatus, percentOf, projected, type PacePoint, type PaceStatus } from './pacing.js';

/** A month's first day, `YYYY-MM-01`. */
const firstDay = (month: string) => `${month}-01`;
/** The month `n` months before `date`'s, as its first day. */
function monthsBefore(date: string, n: number): string {
  const [year, month] = date.split('-').map(Number);
  const index = year * 12 + (month - 1) - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

interface Figures {
  volume: bigint;
  volumeLastYear: bigint;
  enterprises: bigint;
  enterprisesLastYear: bigint;
  majors: bigint;
  majorsLastYear: bigint;
  asOf: Date | null;
}

/** One target's standing (TargetProgressView), before its figures are printed. */
interface Standing<T> {
  actual: T;
  target: T | null;
  percent: number | null;
  expectedToDate: T | null;
  projected: T;
  status: PaceStatus | null;
}

/** The three targets of a program, or of one base's allocation of it. */
interface Targets {
  volume: bigint;
  enterprises: bigint;
  majors: bigint;
}

/**
 * What the rollups say against the targets: a program's (or a base's) progress, and breakdowns by
 * base, field, month or category. Reads only the rollup tables, never the ledger.
 */
@Injectable()
export class VolumesReportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async progress(programId: string | undefined, baseId: string | null, today = platformDate()): Promise<ProgressView> {
    const program = await this.program(programId, today);
    const [allocation, milestones] = await Promise.all([
      baseId ? this.dataSource.getRepository(ProgramAllocation).findOneBy({ programId: program.id, baseId }) : null,
      this.dataSource.getRepository(ProgramMilestone).find({ where: { programId: program.id }, order: { yearEnd: 'ASC' } }),
    ]);
    const programTargets: Targets = {
      volume: program.volumeTarget.fen,
      enterprises: BigInt(program.enterprisesTarget),
      majors: BigInt(program.majorResultsTarget),
    };
    // A base without an allocation has no target of its own: its figures are shown, not judged.
    const targets: Targets | null = !baseId
      ? programTargets
      : allocation && {
          volume: allocation.volumeTarget.fen,
          enterprises: BigInt(allocation.enterprisesTarget),
          majors: BigInt(allocation.majorResultsTarget),
        };
    const figures = await this.figures(program, baseId, today);
    const standing = (key: keyof Targets, actual: bigint, lastYear: bigint): Standing<bigint> => {
      const target = targets?.[key] ?? null;
      // Milestones are the program's; a base's share of each is its allocation's share of the target.
      const points: PacePoint[] = milestones.map((m) => {
        const value = key === 'volume' ? m.volumeTarget.fen : BigInt(key === 'enterprises' ? m.enterprisesTarget : m.majorResultsTarget);
        return { date: m.yearEnd, value: target === null || programTargets[key] === 0n ? value : (value * target) / programTargets[key] };
      });
      const expected = target === null ? null : expectedToDate(target, program.startsOn, program.endsOn, today, points);
      return {
        actual,
        target,
        percent: percentOf(actual, target),
        expectedToDate: expected,
        projected: projected(actual, lastYear, today, program.endsOn),
        status: expected === null ? null : paceStatus(actual, expected),
      };
    };
    const money = (view: Standing<bigint>) => printed(view, fenText);
    const count = (view: Standing<bigint>) => printed(view, Number);
    return {
      asOf: figures.asOf?.toISOString() ?? null,
      programId: program.id,
      baseId,
      today,
      volumeMeasure: program.volumeMeasure,
      volume: money(standing('volume', figures.volume, figures.volumeLastYear)),
      enterprisesServed: count(standing('enterprises', figures.enterprises, figures.enterprisesLastYear)),
      majorResults: count(standing('majors', figures.majors, figures.majorsLastYear)),
    };
  }

  async breakdown(by: BreakdownDimension, range: { from?: string; to?: string }, baseId: string | null): Promise<BreakdownView> {
    const params: unknown[] = [range.from ? firstDay(range.from) : null, range.to ? firstDay(range.to) : null, baseId];
    const where = `($1::date IS NULL OR month >= $1::date) AND ($2::date IS NULL OR month <= $2::date) AND ($3::uuid IS NULL OR base_id = $3::uuid)`;
    const key = { base: 'base_id::text', field: 'field', month: `to_char(month, 'YYYY-MM')`, category: 'category::text' }[by];
    const served = by === 'base' || by === 'month';
    const rows: { key: string; deals: number; contract: string; tech: string; received: string; enterprises: number | null }[] =
      await this.dataSource.query(
        `WITH cells AS (
           SELECT ${key} AS key, sum(deal_count)::int AS deals, sum(contract_fen)::text AS contract, sum(tech_fen)::text AS tech,
                  sum(received_fen)::text AS received
             FROM volume_cell WHERE ${where} GROUP BY 1),
         served AS (
           SELECT ${served ? key : 'NULL::text'} AS key, count(DISTINCT credit_code)::int AS enterprises
             FROM volume_enterprise WHERE ${served ? where : 'false'} GROUP BY 1)
         SELECT coalesce(c.key, s.key) AS key, coalesce(c.deals, 0) AS deals, coalesce(c.contract, '0') AS contract,
                coalesce(c.tech, '0') AS tech, coalesce(c.received, '0') AS received, s.enterprises
           FROM cells c FULL JOIN served s ON s.key = c.key
          ORDER BY 1`,
        params,
      );
    const [totals] = await this.dataSource.query(
      `SELECT coalesce(sum(deal_count), 0)::int AS deals, coalesce(sum(contract_fen), 0)::text AS contract,
              coalesce(sum(tech_fen), 0)::text AS tech, coalesce(sum(received_fen), 0)::text AS received,
              (SELECT count(DISTINCT credit_code)::int FROM volume_enterprise WHERE ${where}) AS enterprises
         FROM volume_cell WHERE ${where}`,
      params,
    );
    const labels = await this.labels(
      by,
      rows.map((r) => r.key),
    );
    const row = (r: (typeof rows)[number], label: string, enterprises: number | null): BreakdownRowView => ({
      key: r.key,
      label,
      dealCount: r.deals,
      contractAmount: fenText(BigInt(r.contract)),
      techTransactionAmount: fenText(BigInt(r.tech)),
      receivedAmount: fenText(BigInt(r.received)),
      enterprisesServed: enterprises,
    });
    return {
      by,
      from: range.from ?? null,
      to: range.to ?? null,
      baseId,
      items: rows.map((r) => row(r, labels.get(r.key) ?? r.key, served ? (r.enterprises ?? 0) : null)),
      total: row({ ...totals, key: 'total' }, '合计', totals.enterprises),
    };
  }

  /** The program asked for, or the one running today (else the latest that has begun, else the first). */
  private async program(id: string | undefined, today: string): Promise<Program> {
    const programs = this.dataSource.getRepository(Program);
    if (id) {
      const program = await programs.findOneBy({ id });
      if (!program) throw new NotFoundException('program', id);
      return program;
    }
    // A handful of rows (one per plan, never overlapping): chosen here in one read.
    const all = await programs.find({ order: { startsOn: 'ASC' } });
    const begun = all.filter((p) => p.startsOn <= today);
    const chosen = begun.find((p) => p.endsOn >= today) ?? begun.at(-1) ?? all[0];
    if (!chosen) throw new NotFoundException('program', 'current');
    return chosen;
  }

  /** The figures within the program's months, and what each gained in the trailing twelve months. */
  private async figures(program: Program, baseId: string | null, today: string): Promise<Figures> {
    const column = program.volumeMeasure === VolumeMeasure.ContractAmount ? 'contract_fen' : 'tech_fen';
    // The base filter is written only when there is one, so that a base's rows are read through
    // the primary keys (base_id first) instead of a scan of every base's.
    const base = baseId ? 'AND v.base_id = $4::uuid' : '';
    const params = [firstDay(program.startsOn.slice(0, 7)), firstDay(program.endsOn.slice(0, 7)), monthsBefore(today, 11)];
    const [row] = await this.dataSource.query(
      `WITH volume AS (
         SELECT coalesce(sum(v.${column}), 0)::text AS total, coalesce(sum(v.${column}) FILTER (WHERE v.month >= $3::date), 0)::text AS recent
           FROM volume_cell v WHERE v.month BETWEEN $1::date AND $2::date ${base}),
       enterprises AS (
         SELECT count(*)::text AS total, count(*) FILTER (WHERE e.first >= $3::date)::text AS recent
           FROM (SELECT v.credit_code, min(v.month) AS first FROM volume_enterprise v
                  WHERE v.month BETWEEN $1::date AND $2::date ${base} GROUP BY v.credit_code) e),
       majors AS (
         SELECT count(*)::text AS total, count(*) FILTER (WHERE v.month >= $3::date)::text AS recent
           FROM volume_major_result v WHERE v.month BETWEEN $1::date AND $2::date ${base})
       SELECT volume.total AS volume, volume.recent AS "volumeLastYear", enterprises.total AS enterprises,
              enterprises.recent AS "enterprisesLastYear", majors.total AS majors, majors.recent AS "majorsLastYear",
              (SELECT refreshed_at FROM volume_watermark WHERE id = 1) AS "asOf"
         FROM volume, enterprises, majors`,
      baseId ? [...params, baseId] : params,
    );
    return {
      volume: BigInt(row.volume),
      volumeLastYear: BigInt(row.volumeLastYear),
      enterprises: BigInt(row.enterprises),
      enterprisesLastYear: BigInt(row.enterprisesLastYear),
      majors: BigInt(row.majors),
      majorsLastYear: BigInt(row.majorsLastYear),
      asOf: row.asOf,
    };
  }

  /** The Chinese names of a breakdown's keys. */
  private async labels(by: BreakdownDimension, keys: readonly string[]): Promise<Map<string, string>> {
    if (by === 'month') return new Map(keys.map((k) => [k, k]));
    if (by === 'category') return new Map(keys.map((k) => [k, DEAL_CATEGORY_NAMES[k as DealCategory] ?? k]));
    const rows: { key: string; name: string }[] = await this.dataSource.query(
      by === 'base'
        ? 'SELECT id::text AS key, name FROM base WHERE id::text = ANY($1)'
        : 'SELECT code AS key, name FROM field WHERE code = ANY($1)',
      [keys],
    );
    return new Map(rows.map((r) => [r.key, r.name]));
  }
}

/** A standing with its figures printed: money strings or integers. */
function printed<T extends string | number>(view: Standing<bigint>, print: (value: bigint) => T): Standing<T> {
  return {
    ...view,
    actual: print(view.actual),
    target: view.target === null ? null : print(view.target),
    expectedToDate: view.expectedToDate === null ? null : print(view.expectedToDate),
    projected: print(view.projected),
  };
}
