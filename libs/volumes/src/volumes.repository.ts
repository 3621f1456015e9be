import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryResult, QueryRunner } from 'typeorm';
import type { LedgerCell, OutboxBacklog } from '#yizhi/core';
import { AdjustedAmount } from '#yizhi/deals';
import { OrganizationKind } from '#yizhi/identity';
import type { CellFigures, MajorResultFigures, VolumeDifference } from './volume-difference.js';
import { VolumeFinding } from './volume-finding.entity.js';
import {
  ADJUSTED_COLUMN,
  cellParams,
  CHONGQING,
  COUNTING_DEAL_STATUSES,
  COUNTING_VERIFICATION,
  MAJOR_RESULT_CATEGORIES,
  VOLUME_LOCKS,
} from './volume-rules.js';

// ---------------------------------------------------------------- SQL of the rollups
//
// Each rollup is one SELECT over the ledger, written once and used three ways: scoped to some base
// months (a recompute), over everything (a rebuild), and compared with the table (a reconciliation).
// The values spliced in are enum members and constants of this library, never input.

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** A deal (alias `d`) counts toward the targets. */
const COUNTS = `d.verification = '${COUNTING_VERIFICATION}' AND d.status IN (${quoted(COUNTING_DEAL_STATUSES)})`;

/** The first day of a date column's month (through timestamp without time zone: the session's zone plays no part). */
const monthOf = (column: string) => `date_trunc('month', ${column}::timestamp)::date`;

/** Which ledger rows a statement reads: all, or those of the base months given as $1 (uuid[]) and $2 (first days, date[]). */
type Scope = 'all' | 'cells';

/** The rows of a branch in scope (a base and a month expression); always true for the whole ledger. */
const inScope = (scope: Scope, base: string, month: string) =>
  scope === 'all' ? 'true' : `(${base}, ${month}) IN (SELECT * FROM unnest($1::uuid[], $2::date[]))`;

/**
 * The counting deals, narrowed to the columns the rollups read. Over the whole ledger it is inlined
 * where used (materialising half a million rows costs more than reading the table again); for a
 * recompute it is the CTE `counting` of only the deals that can touch the base months: those signed
 * in them (deal_base_signed_idx) and those paid or adjusted in their months (the payments' and
 * adjustments' date indexes), a few thousand rows at most, however large the ledger.
 */
const COUNTING_DEALS = `SELECT d.id, d.base_id, d.signed_at, d.field, d.category, d.contract_amount, d.tech_transaction_amount,
         d.buyer_organization_id
    FROM deal d WHERE ${COUNTS}`;
const counting = (scope: Scope) => (scope === 'all' ? `(${COUNTING_DEALS})` : 'counting');

/** For a recompute: the first day of its first month ($2's least) and of the month after its last. */
const SCOPED_DAYS = `SELECT min(m) AS first, (max(m) + interval '1 month')::date AS after FROM unnest($2::date[]) AS m`;
/** The payments (alias `p`) and adjustments (`a`) within a recompute's months, by their date indexes. */
const withinScopedDays = (column: string, scope: Scope) =>
  scope === 'all' ? 'true' : `${column} >= (SELECT first FROM days) AND ${column} < (SELECT after FROM days)`;

const SCOPED_COUNTING = `days AS (${SCOPED_DAYS}),
  counting AS MATERIALIZED (${COUNTING_DEALS} AND d.id IN (
    SELECT s.id FROM unnest($1::uuid[], $2::date[]) AS c(base_id, month)
      JOIN deal s ON s.base_id = c.base_id AND s.signed_at >= c.month AND s.signed_at < (c.month + interval '1 month')::date
    UNION SELECT p.deal_id FROM deal_payment p WHERE ${withinScopedDays('p.received_at', 'cells')}
    UNION SELECT a.deal_id FROM deal_adjustment a WHERE ${withinScopedDays('a.effective_on', 'cells')}))`;

/** An adjustment's (alias `a`) signed delta on one of the cell's amounts, zero on the others. */
const adjusted = (column: 'contract' | 'tech' | 'received') => {
  const fields = Object.values(AdjustedAmount).filter((field) => ADJUSTED_COLUMN[field] === column);
  return `CASE WHEN a.field IN (${quoted(fields)}) THEN CASE WHEN a.decrease THEN -a.amount ELSE a.amount END ELSE 0 END`;
};

/**
 * volume_cell's rows (without computed_at): the counting deals by signing month at their recorded
 * amounts, their payments by month received and their adjustments by month effective (one join
 * for both); grouped by base, month, field and category, all-zero groups left out.
 */
const ledgerCells = (scope: Scope) => `
  SELECT base_id, month, field, category,
         sum(deals)::int AS deal_count, sum(contract)::bigint AS contract_fen,
         sum(tech)::bigint AS tech_fen, sum(received)::bigint AS received_fen
    FROM (
      SELECT c.base_id, ${monthOf('c.signed_at')} AS month, c.field, c.category,
             1 AS deals, c.contract_amount AS contract, c.tech_transaction_amount AS tech, 0::bigint AS received
        FROM ${counting(scope)} c
       WHERE ${inScope(scope, 'c.base_id', monthOf('c.signed_at'))}
      UNION ALL
      SELECT c.base_id, m.month, c.field, c.category, 0, m.contract, m.tech, m.received
        FROM (SELECT p.deal_id, ${monthOf('p.received_at')} AS month, 0::bigint AS contract, 0::bigint AS tech, p.amount AS received
                FROM deal_payment p WHERE ${withinScopedDays('p.received_at', scope)}
              UNION ALL
              SELECT a.deal_id, ${monthOf('a.effective_on')}, ${adjusted('contract')}, ${adjusted('tech')}, ${adjusted('received')}
                FROM deal_adjustment a WHERE ${withinScopedDays('a.effective_on', scope)}) m
        JOIN ${counting(scope)} c ON c.id = m.deal_id
       WHERE ${inScope(scope, 'c.base_id', 'm.month')}
    ) f
   GROUP BY base_id, month, field, category
  HAVING sum(deals) > 0 OR sum(contract) <> 0 OR sum(tech) <> 0 OR sum(received) <> 0`;

/**
 * volume_enterprise's rows: enterprises served (service records) and enterprise buyers of counting
 * deals, by base and month. Deduplicated by organisation, whose credit code is unique, and only
 * then joined to the codes: far fewer rows to join, and uuids are cheaper to hash than text.
 */
const ledgerEnterprises = (scope: Scope) => `
  SELECT e.base_id, e.month, o.credit_code::text AS credit_code
    FROM (
      SELECT base_id, month, organization_id FROM (
        SELECT s.base_id, ${monthOf('s.served_at')} AS month, s.enterprise_organization_id AS organization_id
          FROM service_record s
         WHERE ${scope === 'all' ? 'true' : 's.base_id = ANY($1::uuid[])'} AND ${inScope(scope, 's.base_id', monthOf('s.served_at'))}
         GROUP BY 1, 2, 3
        UNION ALL
        SELECT c.base_id, ${monthOf('c.signed_at')}, c.buyer_organization_id
          FROM ${counting(scope)} c
         WHERE c.buyer_organization_id IN (SELECT id FROM organization WHERE kind = '${OrganizationKind.Enterprise}')
           AND ${inScope(scope, 'c.base_id', monthOf('c.signed_at'))}
         GROUP BY 1, 2, 3) u
       GROUP BY 1, 2, 3) e
    JOIN organization o ON o.id = e.organization_id`;

/**
 * volume_major_result's rows: each major listing's earliest counting transfer or licence to a
 * Chongqing buyer; of every listing, or of the listings $1 (uuid[]).
 */
const ledgerMajorResults = (scope: 'all' | 'listings') => `
  SELECT DISTINCT ON (d.listing_id) d.listing_id, d.base_id, ${monthOf('d.signed_at')} AS month, d.id AS deal_id
    FROM deal d
    JOIN listing l ON l.id = d.listing_id AND l.major
    JOIN organization b ON b.id = d.buyer_organization_id
   WHERE ${COUNTS} AND d.category IN (${quoted(MAJOR_RESULT_CATEGORIES)}) AND starts_with(b.region, '${CHONGQING}')
     ${scope === 'all' ? '' : 'AND d.listing_id = ANY($1::uuid[])'}
   ORDER BY d.listing_id, d.signed_at, d.id`;
const LEDGER_MAJOR_RESULTS = ledgerMajorResults('all');

const CELL_COLUMNS = 'base_id, month, field, category, deal_count, contract_fen, tech_fen, received_fen';

/** The primary keys a rebuild drops and builds again (as the entities and the Volumes migration define them). */
const REBUILT_KEYS = [
  { table: 'volume_cell', constraint: 'volume_cell_pkey', columns: 'base_id, month, field, category' },
  { table: 'volume_enterprise', constraint: 'volume_enterprise_pkey', columns: 'base_id, month, credit_code' },
] as const;
const MAJOR_RESULT_TARGET = 'volume_major_result (listing_id, base_id, month, deal_id, computed_at)';

/** Deletes the rows of volume_cell or volume_enterprise in the base months $1/$2. */
const deleteCells = (table: string) =>
  `DELETE FROM ${table} v USING unnest($1::uuid[], $2::date[]) AS s(base_id, month) WHERE v.base_id = s.base_id AND v.month = s.month`;

const LOCK_SHARED = 'SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))';
const LOCK_EXCLUSIVE = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';

interface CellDiffRow {
  baseId: string;
  month: string;
  field: string;
  category: string;
  rollupDeals: number | null;
  rollupContract: string | null;
  rollupTech: string | null;
  rollupReceived: string | null;
  ledgerDeals: number | null;
  ledgerContract: string | null;
  ledgerTech: string | null;
  ledgerReceived: string | null;
}

interface MajorDiffRow {
  listingId: string;
  rollupBase: string | null;
  rollupMonth: string | null;
  rollupDeal: string | null;
  ledgerBase: string | null;
  ledgerMonth: string | null;
  ledgerDeal: string | null;
}

/** What the freshness check reads from the ledger and the watermark. */
export interface LedgerFreshnessRow {
  refreshedAt: Date | null;
  rebuiltAt: Date | null;
  ledgerChangedAt: Date | null;
  unreflectedSince: Date | null;
  lagSeconds: number;
}

const figures = (deals: number | null, contract: string | null, tech: string | null, received: string | null): CellFigures | null =>
  deals === null ? null : { dealCount: deals, contractFen: contract!, techFen: tech!, receivedFen: received! };

const majorFigures = (baseId: string | null, month: string | null, dealId: string | null): MajorResultFigures | null =>
  baseId === null ? null : { baseId, month: month!, dealId: dealId! };

/** The query runner of the caller's transaction: the rollups are only ever written inside one. */
function transactional(manager: EntityManager): QueryRunner {
  if (!manager.queryRunner?.isTransactionActive) throw new Error('The rollups are written inside a transaction');
  return manager.queryRunner;
}

/** Every query of the volumes library: the rollups' SQL, their locks, and the freshness reads. */
@Injectable()
export class VolumesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // ---------------------------------------------------------------- locks and settings

  /** Shared by every recompute; held exclusively by a rebuild or a reconciliation, which then run alone. */
  async lockAll(manager: EntityManager, mode: 'shared' | 'exclusive'): Promise<void> {
    await manager.query(mode === 'shared' ? LOCK_SHARED : LOCK_EXCLUSIVE, [VOLUME_LOCKS.global]);
  }

  /** The cells' locks, in one sorted order (by key), so that two recomputes never wait on each other in a cycle. */
  async lockCells(manager: EntityManager, cells: readonly LedgerCell[]): Promise<void> {
    if (!cells.length) return;
    await manager.query(
      'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS keys',
      [cells.map(VOLUME_LOCKS.cell)],
    );
  }

  /**
   * The listings' major-result keys, in sorted order: two recomputes of one listing's major result
   * run one after the other, or the second DELETE, blind to the first one's new row until it
   * commits, would leave it to collide with its INSERT.
   */
  async lockMajorResults(manager: EntityManager, listingIds: readonly string[]): Promise<void> {
    if (!listingIds.length) return;
    await manager.query(
      'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS keys',
      [listingIds.map(VOLUME_LOCKS.majorResult)],
    );
  }

  /**
   * For a transaction that reads the whole ledger (a rebuild, a reconciliation): lifts the pool's
   * 30-second statement cap, and gives its hashes room, so that they do not spill to disk.
   */
  async allowWholeLedgerWork(manager: EntityManager): Promise<void> {
    await manager.query(`SET LOCAL statement_timeout = '30min'`);
    await manager.query(`SET LOCAL work_mem = '256MB'`);
  }

  // ---------------------------------------------------------------- recompute

  /** The base months of these deals: their signing, their payments' and their adjustments' months. */
  async cellsOfDeals(manager: EntityManager, dealIds: readonly string[]): Promise<LedgerCell[]> {
    if (!dealIds.length) return [];
    return manager.query(
      `SELECT DISTINCT d.base_id::text AS "baseId", to_char(x.day, 'YYYY-MM') AS month
         FROM deal d CROSS JOIN LATERAL (
           SELECT d.signed_at AS day
           UNION ALL SELECT p.received_at FROM deal_payment p WHERE p.deal_id = d.id
           UNION ALL SELECT a.effective_on FROM deal_adjustment a WHERE a.deal_id = d.id) x
        WHERE d.id = ANY($1::uuid[])`,
      [dealIds],
    );
  }

  /**
   * Replaces the rows of these base months in volume_cell and volume_enterprise with the ledger's:
   * the deletes, then one statement whose two inserts share one read of the bases' counting deals.
   */
  async replaceCells(manager: EntityManager, cells: readonly LedgerCell[]): Promise<void> {
    if (!cells.length) return;
    const params = cellParams(cells);
    await manager.query(deleteCells('volume_cell'), params);
    await manager.query(deleteCells('volume_enterprise'), params);
    await manager.query(
      `WITH ${SCOPED_COUNTING},
       cells AS (INSERT INTO volume_cell (${CELL_COLUMNS}, computed_at) SELECT c.*, now() FROM (${ledgerCells('cells')}) c RETURNING 1),
       enterprises AS (
         INSERT INTO volume_enterprise (base_id, month, credit_code, computed_at) SELECT e.*, now() FROM (${ledgerEnterprises('cells')}) e
         RETURNING 1)
       SELECT (SELECT count(*) FROM cells)::int AS cells, (SELECT count(*) FROM enterprises)::int AS enterprises`,
      params,
    );
  }

  /** Replaces volume_major_result wholesale (a few hundred rows at most); the number of rows. */
  async replaceMajorResults(manager: EntityManager): Promise<number> {
    await manager.query('DELETE FROM volume_major_result');
    return this.insertAllMajorResults(manager);
  }

  /** The listings of these deals (their current ones). */
  async listingsOfDeals(manager: EntityManager, dealIds: readonly string[]): Promise<string[]> {
    if (!dealIds.length) return [];
    const rows: { id: string }[] = await manager.query(
      'SELECT DISTINCT listing_id::text AS id FROM deal WHERE id = ANY($1::uuid[]) AND listing_id IS NOT NULL',
      [dealIds],
    );
    return rows.map((r) => r.id);
  }

  /** Replaces these listings' rows of volume_major_result from the ledger (deal_listing_idx). */
  async replaceMajorResultsOf(manager: EntityManager, listingIds: readonly string[]): Promise<void> {
    if (!listingIds.length) return;
    await manager.query('DELETE FROM volume_major_result WHERE listing_id = ANY($1::uuid[])', [listingIds]);
    await manager.query(`INSERT INTO ${MAJOR_RESULT_TARGET} SELECT m.*, now() FROM (${ledgerMajorResults('listings')}) m`, [listingIds]);
  }

  /** Records that the rollups were brought up to date now (and rebuilt, when `rebuilt`). */
  async markRefreshed(manager: EntityManager, rebuilt: boolean): Promise<void> {
    if (rebuilt) {
      await manager.query(
        `INSERT INTO volume_watermark (id, refreshed_at, rebuilt_at) VALUES (1, now(), now())
         ON CONFLICT (id) DO UPDATE SET refreshed_at = greatest(volume_watermark.refreshed_at, now()), rebuilt_at = now()`,
      );
      return;
    }
    // Every recompute passes here: moving the one row at most once a second keeps concurrent
    // recomputes from queueing on its lock (an UPDATE whose condition no longer holds takes none).
    await manager.query(
      `WITH moved AS (
         UPDATE volume_watermark SET refreshed_at = now() WHERE id = 1 AND refreshed_at < now() - interval '1 second' RETURNING 1)
       INSERT INTO volume_watermark (id, refreshed_at) SELECT 1, now() WHERE NOT EXISTS (SELECT 1 FROM volume_watermark)
       ON CONFLICT (id) DO NOTHING`,
    );
  }

  // ---------------------------------------------------------------- rebuild: one statement per table

  /**
   * Empties the three tables for a rebuild. TRUNCATE rather than DELETE: a nightly DELETE of every
   * row would leave the tables mostly dead tuples. Readers of the tables wait for the rebuild's
   * commit (a second or two for a million deals, at night).
   */
  async truncateAll(manager: EntityManager): Promise<void> {
    await manager.query('TRUNCATE volume_cell, volume_enterprise, volume_major_result');
  }

  /**
   * For a rebuild: the two large tables' primary keys dropped before they are filled and built
   * again after (`restorePrimaryKeys`), in the same transaction. One sorted build (which PostgreSQL
   * may run with parallel workers) costs less than a third of a million insertions into the index;
   * a duplicate row would fail the rebuild, whose transaction then leaves the tables as they were.
   */
  async dropPrimaryKeys(manager: EntityManager): Promise<void> {
    for (const { table, constraint } of REBUILT_KEYS) await manager.query(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint}`);
  }

  async restorePrimaryKeys(manager: EntityManager): Promise<void> {
    for (const { table, constraint, columns } of REBUILT_KEYS) {
      await manager.query(`ALTER TABLE ${table} ADD CONSTRAINT ${constraint} PRIMARY KEY (${columns})`);
    }
  }

  insertAllCells(manager: EntityManager): Promise<number> {
    return this.insertAll(manager, `volume_cell (${CELL_COLUMNS}, computed_at)`, ledgerCells('all'));
  }

  insertAllEnterprises(manager: EntityManager): Promise<number> {
    return this.insertAll(manager, 'volume_enterprise (base_id, month, credit_code, computed_at)', ledgerEnterprises('all'));
  }

  insertAllMajorResults(manager: EntityManager): Promise<number> {
    return this.insertAll(manager, MAJOR_RESULT_TARGET, LEDGER_MAJOR_RESULTS);
  }

  // ---------------------------------------------------------------- reconcile: the tables against the ledger

  async diffCells(manager: EntityManager): Promise<VolumeDifference[]> {
    const rows: CellDiffRow[] = await manager.query(`
      WITH fresh AS (${ledgerCells('all')})
      SELECT coalesce(v.base_id, f.base_id)::text AS "baseId", to_char(coalesce(v.month, f.month), 'YYYY-MM') AS month,
             coalesce(v.field, f.field) AS field, coalesce(v.category, f.category)::text AS category,
             v.deal_count AS "rollupDeals", v.contract_fen::text AS "rollupContract", v.tech_fen::text AS "rollupTech",
             v.received_fen::text AS "rollupReceived",
             f.deal_count AS "ledgerDeals", f.contract_fen::text AS "ledgerContract", f.tech_fen::text AS "ledgerTech",
             f.received_fen::text AS "ledgerReceived"
        FROM volume_cell v
        FULL JOIN fresh f ON f.base_id = v.base_id AND f.month = v.month AND f.field = v.field AND f.category = v.category
       WHERE v.base_id IS NULL OR f.base_id IS NULL
          OR (v.deal_count, v.contract_fen, v.tech_fen, v.received_fen) IS DISTINCT FROM (f.deal_count, f.contract_fen, f.tech_fen, f.received_fen)
       ORDER BY 1, 2, 3, 4`);
    return rows.map((r) => ({
      table: 'volume_cell' as const,
      baseId: r.baseId,
      month: r.month,
      field: r.field,
      category: r.category,
      rollup: figures(r.rollupDeals, r.rollupContract, r.rollupTech, r.rollupReceived),
      ledger: figures(r.ledgerDeals, r.ledgerContract, r.ledgerTech, r.ledgerReceived),
    }));
  }

  async diffEnterprises(manager: EntityManager): Promise<VolumeDifference[]> {
    const rows: { baseId: string; month: string; creditCode: string; rollup: boolean; ledger: boolean }[] = await manager.query(`
      WITH fresh AS (${ledgerEnterprises('all')})
      SELECT coalesce(v.base_id, f.base_id)::text AS "baseId", to_char(coalesce(v.month, f.month), 'YYYY-MM') AS month,
             coalesce(v.credit_code, f.credit_code) AS "creditCode", v.base_id IS NOT NULL AS rollup, f.base_id IS NOT NULL AS ledger
        FROM volume_enterprise v
        FULL JOIN fresh f ON f.base_id = v.base_id AND f.month = v.month AND f.credit_code = v.credit_code
       WHERE v.base_id IS NULL OR f.base_id IS NULL
       ORDER BY 1, 2, 3`);
    return rows.map((r) => ({ table: 'volume_enterprise' as const, ...r }));
  }

  async diffMajorResults(manager: EntityManager): Promise<VolumeDifference[]> {
    const rows: MajorDiffRow[] = await manager.query(`
      WITH fresh AS (${LEDGER_MAJOR_RESULTS})
      SELECT coalesce(v.listing_id, f.listing_id)::text AS "listingId",
             v.base_id::text AS "rollupBase", to_char(v.month, 'YYYY-MM') AS "rollupMonth", v.deal_id::text AS "rollupDeal",
             f.base_id::text AS "ledgerBase", to_char(f.month, 'YYYY-MM') AS "ledgerMonth", f.deal_id::text AS "ledgerDeal"
        FROM volume_major_result v
        FULL JOIN fresh f ON f.listing_id = v.listing_id
       WHERE v.listing_id IS NULL OR f.listing_id IS NULL
          OR (v.base_id, v.month, v.deal_id) IS DISTINCT FROM (f.base_id, f.month, f.deal_id)
       ORDER BY 1`);
    return rows.map((r) => ({
      table: 'volume_major_result' as const,
      listingId: r.listingId,
      rollup: majorFigures(r.rollupBase, r.rollupMonth, r.rollupDeal),
      ledger: majorFigures(r.ledgerBase, r.ledgerMonth, r.ledgerDeal),
    }));
  }

  /** The names of these bases, for a finding's detail. */
  async baseNames(manager: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    const rows: { id: string; name: string }[] = await manager.query('SELECT id::text AS id, name FROM base WHERE id = ANY($1::uuid[])', [
      ids,
    ]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  insertFinding(
    manager: EntityManager,
    finding: Pick<VolumeFinding, 'detail' | 'cells' | 'differences' | 'differenceCount'>,
  ): Promise<VolumeFinding> {
    return manager.save(VolumeFinding, manager.create(VolumeFinding, finding));
  }

  // ---------------------------------------------------------------- freshness

  /**
   * The ledger's newest change (a deal's update, a payment, an adjustment, a service record) and
   * the oldest one newer than the watermark, with its age: what no recompute has looked at since.
   */
  async ledgerFreshness(): Promise<LedgerFreshnessRow> {
    const [row]: LedgerFreshnessRow[] = await this.dataSource.query(`
      WITH w AS (SELECT refreshed_at, rebuilt_at FROM volume_watermark WHERE id = 1),
      changes AS (
        SELECT updated_at AS at FROM deal
        UNION ALL SELECT created_at FROM deal_payment
        UNION ALL SELECT created_at FROM deal_adjustment
        UNION ALL SELECT created_at FROM service_record),
      unreflected AS (SELECT max(at) AS newest, min(at) FILTER (WHERE at > coalesce((SELECT refreshed_at FROM w), '-infinity')) AS oldest FROM changes)
      SELECT (SELECT refreshed_at FROM w) AS "refreshedAt", (SELECT rebuilt_at FROM w) AS "rebuiltAt",
             u.newest AS "ledgerChangedAt", u.oldest AS "unreflectedSince",
             coalesce(greatest(extract(epoch FROM now() - u.oldest), 0), 0)::float8 AS "lagSeconds"
        FROM unreflected u`);
    return row;
  }

  /** The outbox rows of one queue not yet handed to BullMQ. */
  async outboxBacklog(queue: string): Promise<OutboxBacklog> {
    const [row]: OutboxBacklog[] = await this.dataSource.query(
      `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float8 AS "oldestAgeSeconds"
         FROM outbox_message WHERE dispatched_at IS NULL AND queue = $1`,
      [queue],
    );
    return row;
  }

  /** INSERT INTO `target` SELECT the rows of `select` with computed_at now(); the number inserted. */
  private async insertAll(manager: EntityManager, target: string, select: string): Promise<number> {
    // The structured result is the one that carries an INSERT's row count.
    const result: QueryResult = await transactional(manager).query(`INSERT INTO ${target} SELECT r.*, now() FROM (${select}) r`, [], true);
    return result.affected ?? 0;
  }
}
