import { platformDate } from '#yizhi/core';
import { AnomalyRule } from './anomaly.entity.js';

/** The thresholds of the anomaly rules, in one place (docs/deals.md explains each). */
export const ANOMALY_LIMITS = {
  /** RepeatParties: another deal of the same two parties signed within this many days. */
  repeatPartiesDays: 30,
  /** SplitContracts: contracts of the same two parties signed within this many days of each other… */
  splitWindowDays: 90,
  /** …each under the expert-review line of 5,000,000 yuan (in fen), together at or above it. */
  expertReviewLineFen: 500_000_000n,
  /** AmountOutlier: above this many times the median contract amount (percentile_disc: an actual amount, in fen) of the base's recent deals… */
  outlierFactor: 20,
  /** …over its most recent this many counted deals, once it has at least `outlierMinDeals`. */
  outlierRecentDeals: 1_000,
  outlierMinDeals: 5,
} as const;

const L = ANOMALY_LIMITS;

/** Fen as yuan with two decimals, in SQL (exact: integer arithmetic on bigint). */
const yuan = (column: string) => `(${column} / 100)::text || '.' || lpad((${column} % 100)::text, 2, '0')`;

/**
 * The deals `o` between the same two organisations as deal `d`, either way round: one join per
 * direction on deal_parties_idx (seller, buyer, signed_at). Written as an OR on the two pairs, the
 * planner may instead walk another index over every deal in the date window (7 s for a batch of
 * 1,000 imported deals at 30,000 deals, once deal_base_signed_idx existed).
 */
const SAME_PARTIES_DEALS = `(VALUES (d.seller_organization_id, d.buyer_organization_id), (d.buyer_organization_id, d.seller_organization_id))
           AS pair(seller, buyer)
      JOIN deal o ON o.seller_organization_id = pair.seller AND o.buyer_organization_id = pair.buyer`;

export interface RuleQuery {
  rule: AnomalyRule;
  /**
   * Yields (deal_id, detail) for the deals in `scope` (an SQL condition on `d`) that the rule
   * flags. It reads its parameters from the CTE `p` of ruleStatement: `(SELECT line FROM p)`,
   * `(SELECT today FROM p)`.
   */
  sql: (scope: string) => string;
}

/** Which deals the rules look at: the ones given (`ids`), or all of them (`ids` null, the nightly scan). */
export const RULE_SCOPE = {
  given: 'd.id IN (SELECT unnest(ids) FROM p)',
  all: '(SELECT ids FROM p) IS NULL',
} as const;

const PARAMS_CTE = 'WITH p AS (SELECT $1::uuid[] AS ids, $2::bigint AS line, $3::date AS today)';

/** One rule's findings alone, without writing them (to time or inspect a rule); the parameters of ruleParams. */
export const ruleSelect = (query: RuleQuery, scope: string) => `${PARAMS_CTE} SELECT * FROM (${query.sql(scope)}) f`;

/**
 * One statement that runs `queries` and inserts their new flags (one per deal and rule: a flag
 * already raised, open or resolved, is left alone), returning the new flags' ids. $1 is the deals'
 * ids (uuid[], or null for all); the thresholds come along as $2 and $3.
 */
export function ruleStatement(queries: readonly RuleQuery[], scope: string): string {
  const inserts = queries.map(
    (query, i) => `r${i} AS (
      INSERT INTO anomaly (deal_id, rule, detail)
      SELECT f.deal_id, '${query.rule}', f.detail FROM (${query.sql(scope)}) f
      ON CONFLICT (deal_id, rule) DO NOTHING
      RETURNING id)`,
  );
  return `${PARAMS_CTE},
    ${inserts.join(',\n    ')}
    ${queries.map((_, i) => `SELECT id FROM r${i}`).join(' UNION ALL ')}`;
}

/** The parameters of ruleStatement. */
export const ruleParams = (ids: readonly string[] | null): unknown[] => [ids, L.expertReviewLineFen.toString(), platformDate()];

/**
 * Each rule as a query over a set of deals: the deals a write touched, or every deal in the
 * nightly scan. Cancelled deals are neither flagged nor compared with.
 */
export const RULE_QUERIES: readonly RuleQuery[] = [
  {
    rule: AnomalyRule.TechEqualsContract,
    sql: (
      scope,
    ) => `SELECT d.id AS deal_id, '技术开发合同的技术交易额与合同成交额相同（' || ${yuan('d.contract_amount')} || '元），未扣除任何非技术性费用' AS detail
      FROM deal d WHERE ${scope} AND d.status <> 'cancelled' AND d.category = 'development' AND d.tech_transaction_amount = d.contract_amount`,
  },
  {
    rule: AnomalyRule.RepeatParties,
    sql: (
      scope,
    ) => `SELECT d.id AS deal_id, '同一对当事方在${L.repeatPartiesDays}天内再次签约（另一份合同签订于' || o.signed_at || '）' AS detail
      FROM deal d CROSS JOIN LATERAL (
        SELECT o.signed_at FROM ${SAME_PARTIES_DEALS}
         WHERE o.id <> d.id AND o.status <> 'cancelled'
           AND o.signed_at BETWEEN d.signed_at - ${L.repeatPartiesDays} AND d.signed_at + ${L.repeatPartiesDays}
         ORDER BY abs(o.signed_at - d.signed_at), o.id LIMIT 1) o
      WHERE ${scope} AND d.status <> 'cancelled'`,
  },
  {
    rule: AnomalyRule.SplitContracts,
    sql: (
      scope,
    ) => `SELECT d.id AS deal_id, '与同一当事方在${L.splitWindowDays}天内签订' || g.n || '份均低于500万元的合同，合计' || ${yuan('g.total')} || '元，超过专家评审线' AS detail
      FROM deal d CROSS JOIN LATERAL (
        SELECT count(*) AS n, sum(o.contract_amount)::bigint AS total FROM ${SAME_PARTIES_DEALS}
         WHERE o.status <> 'cancelled' AND o.contract_amount < (SELECT line FROM p)
           AND o.signed_at BETWEEN d.signed_at - ${L.splitWindowDays} AND d.signed_at + ${L.splitWindowDays}) g
      WHERE ${scope} AND d.status <> 'cancelled' AND d.contract_amount < (SELECT line FROM p) AND g.n >= 2 AND g.total >= (SELECT line FROM p)`,
  },
  {
    rule: AnomalyRule.DuplicateRegistration,
    sql: (scope) => `SELECT d.id AS deal_id, '登记编号' || d.registration_no || '与已取消的合同' || o.id || '相同' AS detail
      FROM deal d CROSS JOIN LATERAL (
        SELECT o.id FROM deal o WHERE o.registration_no = d.registration_no AND o.id <> d.id ORDER BY o.created_at LIMIT 1) o
      WHERE ${scope} AND d.status <> 'cancelled' AND d.registration_no IS NOT NULL`,
  },
  {
    rule: AnomalyRule.AmountOutlier,
    // MATERIALIZED: once per base. Inlined, the planner may put the medians on the inner side of a
    // nested loop and compute them again for every deal of the batch (250 ms for 1,000, not 19).
    sql: (scope) => `WITH scoped AS (SELECT d.* FROM deal d WHERE ${scope} AND d.status <> 'cancelled'),
      medians AS MATERIALIZED (
        SELECT b.base_id, m.median, m.n FROM (SELECT DISTINCT base_id FROM scoped) b CROSS JOIN LATERAL (
          SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY r.contract_amount) AS median, count(*) AS n FROM (
            SELECT o.contract_amount FROM deal o WHERE o.base_id = b.base_id AND o.status <> 'cancelled'
             ORDER BY o.created_at DESC LIMIT ${L.outlierRecentDeals}) r) m)
      SELECT d.id AS deal_id, '合同成交额' || ${yuan('d.contract_amount')} || '元，超过本基地近期合同成交额中位数（' || ${yuan('m.median')} || '元）的${L.outlierFactor}倍' AS detail
        FROM scoped d JOIN medians m USING (base_id)
       WHERE m.n >= ${L.outlierMinDeals} AND d.contract_amount > ${L.outlierFactor} * m.median`,
  },
  {
    rule: AnomalyRule.FutureSigning,
    sql: (scope) => `SELECT d.id AS deal_id, '签订日期' || d.signed_at || '晚于今天' AS detail
      FROM deal d WHERE ${scope} AND d.status <> 'cancelled' AND d.signed_at > (SELECT today FROM p)`,
  },
  {
    rule: AnomalyRule.RelatedParties,
    sql: (scope) => `SELECT d.id AS deal_id, '买卖双方为关联方（同属' || s.related_party_group || '）' AS detail
      FROM deal d JOIN organization s ON s.id = d.seller_organization_id JOIN organization b ON b.id = d.buyer_organization_id
      WHERE ${scope} AND d.status <> 'cancelled' AND s.related_party_group IS NOT NULL AND s.related_party_group = b.related_party_group`,
  },
];
