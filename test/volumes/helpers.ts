/** Helpers of the volumes e2e suite (not a suite itself): the ledger summed independently, the rollups read back, waiting for the worker. */
import { isDeepStrictEqual } from 'node:util';
import { expect } from '@jest/globals';
import type { Queue } from 'bullmq';
import { sql } from '../support/factories.js';

/**
 * The bases a test owns. Suites run in parallel on one database and other suites' workers handle
 * their own ledger events at their own pace, so the comparisons cover the bases the test created,
 * every row of all three tables for them.
 */
export interface RollupScope {
  baseIds: string[];
}

export interface CellRow {
  baseId: string;
  month: string;
  field: string;
  category: string;
  dealCount: number;
  contractFen: string;
  techFen: string;
  receivedFen: string;
}

export interface EnterpriseRow {
  baseId: string;
  month: string;
  creditCode: string;
}

export interface MajorRow {
  listingId: string;
  baseId: string;
  month: string;
  dealId: string;
}

const byKey =
  <T>(key: (row: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
const cellKey = (r: CellRow) => [r.baseId, r.month, r.field, r.category].join('|');
const enterpriseKey = (r: EnterpriseRow) => [r.baseId, r.month, r.creditCode].join('|');

// ---------------------------------------------------------------- the rollups as stored

export async function storedCells(scope: RollupScope): Promise<CellRow[]> {
  const rows = await sql<CellRow>(
    `SELECT base_id::text AS "baseId", to_char(month, 'YYYY-MM') AS month, field, category::text AS category, deal_count AS "dealCount",
            contract_fen::text AS "contractFen", tech_fen::text AS "techFen", received_fen::text AS "receivedFen"
       FROM volume_cell WHERE base_id = ANY($1::uuid[])`,
    [scope.baseIds],
  );
  return rows.sort(byKey(cellKey));
}

export async function storedEnterprises(scope: RollupScope): Promise<EnterpriseRow[]> {
  const rows = await sql<EnterpriseRow>(
    `SELECT base_id::text AS "baseId", to_char(month, 'YYYY-MM') AS month, credit_code AS "creditCode"
       FROM volume_enterprise WHERE base_id = ANY($1::uuid[])`,
    [scope.baseIds],
  );
  return rows.sort(byKey(enterpriseKey));
}

export async function storedMajorResults(scope: RollupScope): Promise<MajorRow[]> {
  const rows = await sql<MajorRow>(
    `SELECT listing_id::text AS "listingId", base_id::text AS "baseId", to_char(month, 'YYYY-MM') AS month, deal_id::text AS "dealId"
       FROM volume_major_result WHERE base_id = ANY($1::uuid[])`,
    [scope.baseIds],
  );
  return rows.sort(byKey((r) => r.listingId));
}

// ---------------------------------------------------------------- the ledger, summed here
//
// Written apart from the library's SQL, on purpose differently: the keys first, then each figure
// by its own correlated sum, months as text, the all-zero cells dropped in JavaScript.

/** A deal (alias `x`) that counts: verified, and signed, registered or completed. */
const COUNTS = `x.verification = 'verified' AND x.status::text IN ('signed', 'registered', 'completed')`;

export async function ledgerCells(scope: RollupScope): Promise<CellRow[]> {
  const sameCell = (deal: string, date: string) =>
    `${deal}.base_id = k.base_id AND to_char(${date}, 'YYYY-MM') = k.month AND ${deal}.field = k.field AND ${deal}.category::text = k.category`;
  const adjustments = (field: string) => `(
    SELECT coalesce(sum(CASE WHEN a.decrease THEN -a.amount ELSE a.amount END), 0)
      FROM deal_adjustment a JOIN deal x ON x.id = a.deal_id
     WHERE ${COUNTS} AND a.field::text = '${field}' AND ${sameCell('x', 'a.effective_on')})`;
  const rows = await sql<CellRow>(
    `WITH k AS (
       SELECT x.base_id, to_char(x.signed_at, 'YYYY-MM') AS month, x.field, x.category::text AS category
         FROM deal x WHERE ${COUNTS} AND x.base_id = ANY($1::uuid[])
       UNION
       SELECT x.base_id, to_char(p.received_at, 'YYYY-MM'), x.field, x.category::text
         FROM deal_payment p JOIN deal x ON x.id = p.deal_id WHERE ${COUNTS} AND x.base_id = ANY($1::uuid[])
       UNION
       SELECT x.base_id, to_char(a.effective_on, 'YYYY-MM'), x.field, x.category::text
         FROM deal_adjustment a JOIN deal x ON x.id = a.deal_id WHERE ${COUNTS} AND x.base_id = ANY($1::uuid[]))
     SELECT k.base_id::text AS "baseId", k.month, k.field, k.category,
            (SELECT count(*) FROM deal x WHERE ${COUNTS} AND ${sameCell('x', 'x.signed_at')})::int AS "dealCount",
            ((SELECT coalesce(sum(x.contract_amount), 0) FROM deal x WHERE ${COUNTS} AND ${sameCell('x', 'x.signed_at')})
              + ${adjustments('contractAmount')})::text AS "contractFen",
            ((SELECT coalesce(sum(x.tech_transaction_amount), 0) FROM deal x WHERE ${COUNTS} AND ${sameCell('x', 'x.signed_at')})
              + ${adjustments('techTransactionAmount')})::text AS "techFen",
            ((SELECT coalesce(sum(p.amount), 0) FROM deal_payment p JOIN deal x ON x.id = p.deal_id
               WHERE ${COUNTS} AND ${sameCell('x', 'p.received_at')})
              + ${adjustments('receivedAmount')})::text AS "receivedFen"
       FROM k`,
    [scope.baseIds],
  );
  return rows
    .filter((r) => r.dealCount > 0 || [r.contractFen, r.techFen, r.receivedFen].some((fen) => BigInt(fen) !== 0n))
    .sort(byKey(cellKey));
}

/**
 * The same rows as ledgerCells, for scopes of many thousands of deals (ledgerCells' correlated sums
 * read a base's deals once per cell): each source grouped on its own (deals by signing month,
 * payments by month received, adjustments by month effective and amount), then added up here in
 * BigInt. Independent of the library's SQL too: three statements, months as text, the merge and
 * the all-zero filter in JavaScript.
 */
export async function ledgerCellsGrouped(scope: RollupScope): Promise<CellRow[]> {
  type Part = {
    baseId: string;
    month: string;
    field: string;
    category: string;
    deals: number;
    contract: string;
    tech: string;
    received: string;
  };
  const key = `x.base_id::text AS "baseId", %MONTH% AS month, x.field, x.category::text AS category`;
  const month = (date: string) => key.replace('%MONTH%', `to_char(${date}, 'YYYY-MM')`);
  const [deals, payments, adjustments] = await Promise.all([
    sql<Part>(
      `SELECT ${month('x.signed_at')}, count(*)::int AS deals, sum(x.contract_amount)::text AS contract,
              sum(x.tech_transaction_amount)::text AS tech, '0' AS received
         FROM deal x WHERE ${COUNTS} AND x.base_id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4`,
      [scope.baseIds],
    ),
    sql<Part>(
      `SELECT ${month('p.received_at')}, 0 AS deals, '0' AS contract, '0' AS tech, sum(p.amount)::text AS received
         FROM deal_payment p JOIN deal x ON x.id = p.deal_id WHERE ${COUNTS} AND x.base_id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4`,
      [scope.baseIds],
    ),
    sql<Part>(
      `SELECT ${month('a.effective_on')}, 0 AS deals,
              sum(CASE WHEN a.field::text = 'contractAmount' THEN CASE WHEN a.decrease THEN -a.amount ELSE a.amount END ELSE 0 END)::text AS contract,
              sum(CASE WHEN a.field::text = 'techTransactionAmount' THEN CASE WHEN a.decrease THEN -a.amount ELSE a.amount END ELSE 0 END)::text AS tech,
              sum(CASE WHEN a.field::text = 'receivedAmount' THEN CASE WHEN a.decrease THEN -a.amount ELSE a.amount END ELSE 0 END)::text AS received
         FROM deal_adjustment a JOIN deal x ON x.id = a.deal_id WHERE ${COUNTS} AND x.base_id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4`,
      [scope.baseIds],
    ),
  ]);
  const merged = new Map<string, { row: CellRow; contract: bigint; tech: bigint; received: bigint }>();
  for (const { deals: count, contract, tech, received, ...at } of [...deals, ...payments, ...adjustments]) {
    const row: CellRow = { ...at, dealCount: 0, contractFen: '0', techFen: '0', receivedFen: '0' };
    const sum = merged.get(cellKey(row)) ?? { row, contract: 0n, tech: 0n, received: 0n };
    sum.row.dealCount += count;
    sum.contract += BigInt(contract);
    sum.tech += BigInt(tech);
    sum.received += BigInt(received);
    merged.set(cellKey(row), sum);
  }
  return [...merged.values()]
    .map(({ row, contract, tech, received }) => ({
      ...row,
      contractFen: contract.toString(),
      techFen: tech.toString(),
      receivedFen: received.toString(),
    }))
    .filter((r) => r.dealCount > 0 || [r.contractFen, r.techFen, r.receivedFen].some((fen) => BigInt(fen) !== 0n))
    .sort(byKey(cellKey));
}

export async function ledgerEnterprises(scope: RollupScope): Promise<EnterpriseRow[]> {
  const rows = await sql<EnterpriseRow>(
    `SELECT s.base_id::text AS "baseId", to_char(s.served_at, 'YYYY-MM') AS month, trim(o.credit_code) AS "creditCode"
       FROM service_record s JOIN organization o ON o.id = s.enterprise_organization_id
      WHERE s.base_id = ANY($1::uuid[])
     UNION
     SELECT x.base_id::text, to_char(x.signed_at, 'YYYY-MM'), trim(o.credit_code)
       FROM deal x JOIN organization o ON o.id = x.buyer_organization_id
      WHERE ${COUNTS} AND o.kind::text = 'enterprise' AND x.base_id = ANY($1::uuid[])`,
    [scope.baseIds],
  );
  return rows.sort(byKey(enterpriseKey));
}

/** Each major listing's first qualifying deal over all bases (ranked), kept when that deal is at one of the scope's bases. */
export async function ledgerMajorResults(scope: RollupScope): Promise<MajorRow[]> {
  const rows = await sql<MajorRow>(
    `SELECT "listingId", "baseId", month, "dealId" FROM (
       SELECT x.listing_id::text AS "listingId", x.base_id::text AS "baseId", to_char(x.signed_at, 'YYYY-MM') AS month, x.id::text AS "dealId",
              row_number() OVER (PARTITION BY x.listing_id ORDER BY x.signed_at, x.id) AS rank
         FROM deal x JOIN listing l ON l.id = x.listing_id JOIN organization b ON b.id = x.buyer_organization_id
        WHERE ${COUNTS} AND l.major AND x.category::text IN ('transfer', 'licence') AND b.region LIKE '重庆%') ranked
      WHERE rank = 1 AND "baseId" = ANY($1::text[])`,
    [scope.baseIds],
  );
  return rows.sort(byKey((r) => r.listingId));
}

export interface LedgerOptions {
  /**
   * How the cells are summed: 'correlated' (ledgerCells, the default) or 'grouped'
   * (ledgerCellsGrouped, for scopes of many thousands of deals).
   */
  cells?: 'correlated' | 'grouped';
}

const ledgerCellsBy = (scope: RollupScope, options: LedgerOptions) =>
  options.cells === 'grouped' ? ledgerCellsGrouped(scope) : ledgerCells(scope);

/**
 * Every row of the three rollups for the scope's bases equals the ledger summed independently,
 * to the fen: no row missing, none extra, none off.
 */
export async function expectRollupsMatchLedger(scope: RollupScope, options: LedgerOptions = {}): Promise<void> {
  expect(await storedCells(scope)).toEqual(await ledgerCellsBy(scope, options));
  expect(await storedEnterprises(scope)).toEqual(await ledgerEnterprises(scope));
  expect(await storedMajorResults(scope)).toEqual(await ledgerMajorResults(scope));
}

/** Whether every rollup row of the scope equals the ledger's (expectRollupsMatchLedger without failing, for polling). */
export async function rollupsMatchLedger(scope: RollupScope, options: LedgerOptions = {}): Promise<boolean> {
  return (
    isDeepStrictEqual(await storedCells(scope), await ledgerCellsBy(scope, options)) &&
    isDeepStrictEqual(await storedEnterprises(scope), await ledgerEnterprises(scope)) &&
    isDeepStrictEqual(await storedMajorResults(scope), await ledgerMajorResults(scope))
  );
}

/**
 * md5 of each of the three tables, every row (all bases) in key order, and their row counts;
 * without computed_at, unless `withComputedAt` (which then tells which transaction wrote each row).
 */
export async function tableDigests(
  withComputedAt = false,
): Promise<Record<'cells' | 'enterprises' | 'majorResults', { rows: number; md5: string }>> {
  const at = withComputedAt ? ', computed_at' : '';
  const digest = async (table: string, columns: string, order: string) =>
    (
      await sql<{ rows: number; md5: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(r::text, '\n' ORDER BY ${order}), '')) AS md5
           FROM (SELECT ${columns}${at} FROM ${table}) r`,
      )
    )[0];
  return {
    cells: await digest(
      'volume_cell',
      'base_id, month, field, category, deal_count, contract_fen, tech_fen, received_fen',
      'r.base_id, r.month, r.field, r.category',
    ),
    enterprises: await digest('volume_enterprise', 'base_id, month, credit_code', 'r.base_id, r.month, r.credit_code'),
    majorResults: await digest('volume_major_result', 'listing_id, base_id, month, deal_id', 'r.listing_id'),
  };
}

/** md5 of the three tables' rows for the scope, in key order, without computed_at. */
export async function rollupDigest(scope: RollupScope): Promise<Record<string, string>> {
  const digest = async (table: string, columns: string, order: string) =>
    (
      await sql<{ md5: string }>(
        `SELECT md5(coalesce(string_agg(r::text, '\n' ORDER BY ${order}), '')) AS md5
           FROM (SELECT ${columns} FROM ${table} WHERE base_id = ANY($1::uuid[])) r`,
        [scope.baseIds],
      )
    )[0].md5;
  return {
    cells: await digest(
      'volume_cell',
      'base_id, month, field, category, deal_count, contract_fen, tech_fen, received_fen',
      'r.base_id, r.month, r.field, r.category',
    ),
    enterprises: await digest('volume_enterprise', 'base_id, month, credit_code', 'r.base_id, r.month, r.credit_code'),
    majorResults: await digest('volume_major_result', 'listing_id, base_id, month, deal_id', 'r.listing_id'),
  };
}

/** Polls `read` until `done` holds (the worker runs asynchronously), at most `ms`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const FINISHED = new Set(['completed', 'failed', 'unknown']);

/**
 * Waits until every ledger event about these bases has been relayed and its job has finished
 * (completed, failed, or already removed), so that no job still under way rewrites a cell the test
 * is about to look at or tamper with.
 */
export async function settle(queue: Queue, scope: RollupScope, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const events = await sql<{ id: string; dispatched: boolean }>(
      `SELECT id::text AS id, dispatched_at IS NOT NULL AS dispatched FROM outbox_message
        WHERE queue = 'volumes' AND EXISTS (
          SELECT 1 FROM jsonb_array_elements(payload->'cells') c WHERE c->>'baseId' = ANY($1::text[]))`,
      [scope.baseIds],
    );
    const states = events.every((e) => e.dispatched) ? await Promise.all(events.map((e) => queue.getJobState(e.id))) : [];
    if (states.length === events.length && states.every((state) => FINISHED.has(state))) return;
    if (Date.now() > until) throw new Error(`The volumes events of ${scope.baseIds.join(', ')} did not settle within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
