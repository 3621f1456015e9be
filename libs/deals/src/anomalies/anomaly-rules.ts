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

/** The same two organisations, either way round, as deal `o` and deal `d`. */
const SAME_PARTIES = `((o.seller_organization_id = d.seller_organization_id AND o.buyer_organization_id = d.buyer_organization_id)
   OR (o.seller_organization_id = d.buyer_organization_id AND o.buyer_organization_id = d.seller_organization_id))`;

export interface RuleQuery {
  rule: AnomalyRule;
  /** Yields (deal_id, detail) for the deals in `scope` (an SQL condition on `d`, with $1 the ids or null) that the rule flags. */
  sql: (scope: string) => string;
  /** The parameters after $1. */
  params: () => unknown[];
}

/**
 * Each rule as one statement over a set of deals: the deals a write touched, or every deal in the
 * nightly scan. Cancelled deals are neither flagged nor compared with.
 */
export const RULE_QUERIES: readonly RuleQuery[] = [
  {
    rule: AnomalyRule.TechEqualsContract,
    sql: (
      scope,
    ) => `SELECT d.id AS deal_id, '技术开发合同的技术交易额与合同成交额相同（' || ${yuan('d.contract_amount')} || '元），未扣除任何非技术性费用' AS detail
      FROM deal d WHERE ${scope} AND d.status <> 'cancelled' AND d.category = 'development' AND d.tech_transaction_amount = d.contract_amount`,
    params: () => [],
  },
  {
    rule: AnomalyRule.RepeatParties,
    sql: (
      scope,
    ) => `SELECT d.id AS deal_id, '同一对当事方在${L.repeatPartiesDays}天内再次签约（另一份合同签订于' || o.signed_at || '）' AS detail
      FROM deal d CROSS JOIN LATERAL (
        SELECT o.signed_at FROM deal o
         WHERE o.id <> d.id AND o.status <> 'cancelled' AND ${SAME_PARTIES}
           AND o.signed_at BETWEEN d.signed_at - ${L.repeatPartiesDays} AND d.signed_at + ${L.repeatPartiesDays}
         ORDER BY abs(o.signed_at - d.signed_at), o.id LIMIT 1) o
      WHERE ${scope} AND d.status <> 'cancelled'`,
    params: () => [],
  },
  {
    rule: AnomalyRule.SplitContracts,
    sql: (
      scope,
    ) => `SELECT d.id AS deal_id, '与同一当事方在${L.splitWindowDays}天内签订' || g.n || '份均低于500万元的合同，合计' || ${yuan('g.total')} || '元，超过专家评审线' AS detail
      FROM deal d CROSS JOIN LATERAL (
        SELECT count(*) AS n, sum(o.contract_amount)::bigint AS total FROM deal o
         WHERE o.status <> 'cancelled' AND ${SAME_PARTIES} AND o.contract_amount < $2::bigint
           AND o.signed_at BETWEEN d.signed_at - ${L.splitWindowDays} AND d.signed_at + ${L.splitWindowDays}) g
      WHERE ${scope} AND d.status <> 'cancelled' AND d.contract_amount < $2::bigint AND g.n >= 2 AND g.total >= $2::bigint`,
    params: () => [L.expertReviewLineFen.toString()],
  },
  {
    rule: AnomalyRule.DuplicateRegistration,
    sql: (scope) => `SELECT d.id AS deal_id, '登记编号' || d.registration_no || '与已取消的合同' || o.id || '相同' AS detail
      FROM deal d CROSS JOIN LATERAL (
        SELECT o.id FROM deal o WHERE o.registration_no = d.registration_no AND o.id <> d.id ORDER BY o.created_at LIMIT 1) o
      WHERE ${scope} AND d.status <> 'cancelled' AND d.registration_no IS NOT NULL`,
    params: () => [],
  },
  {
    rule: AnomalyRule.AmountOutlier,
    sql: (scope) => `WITH scoped AS (SELECT d.* FROM deal d WHERE ${scope} AND d.status <> 'cancelled'),
      medians AS (
        SELECT b.base_id, m.median, m.n FROM (SELECT DISTINCT base_id FROM scoped) b CROSS JOIN LATERAL (
          SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY r.contract_amount) AS median, count(*) AS n FROM (
            SELECT o.contract_amount FROM deal o WHERE o.base_id = b.base_id AND o.status <> 'cancelled'
             ORDER BY o.created_at DESC LIMIT ${L.outlierRecentDeals}) r) m)
      SELECT d.id AS deal_id, '合同成交额' || ${yuan('d.contract_amount')} || '元，超过本基地近期合同成交额中位数（' || ${yuan('m.median')} || '元）的${L.outlierFactor}倍' AS detail
        FROM scoped d JOIN medians m USING (base_id)
       WHERE m.n >= ${L.outlierMinDeals} AND d.contract_amount > ${L.outlierFactor} * m.median`,
    params: () => [],
  },
  {
    rule: AnomalyRule.FutureSigning,
    sql: (scope) => `SELECT d.id AS deal_id, '签订日期' || d.signed_at || '晚于今天' AS detail
      FROM deal d WHERE ${scope} AND d.status <> 'cancelled' AND d.signed_at > $2::date`,
    params: () => [platformDate()],
  },
  {
    rule: AnomalyRule.RelatedParties,
    sql: (scope) => `SELECT d.id AS deal_id, '买卖双方为关联方（同属' || s.related_party_group || '）' AS detail
      FROM deal d JOIN organization s ON s.id = d.seller_organization_id JOIN organization b ON b.id = d.buyer_organization_id
      WHERE ${scope} AND d.status <> 'cancelled' AND s.related_party_group IS NOT NULL AND s.related_party_group = b.related_party_group`,
    params: () => [],
  },
];
