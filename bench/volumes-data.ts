/**
 * The ledger of `npm run bench:volumes` (bench/volumes.ts), generated with set-based SQL
 * (generate_series, random() after setseed: the same ledger every run) into a freshly seeded
 * database: organisations, listings (some major), deals over the seeded bases and the program's
 * months, payments, adjustments and service records, plus the signed but unverified deals that
 * the benchmark then verifies through the API.
 *
 * The spread: bases unevenly busy (the online platform and the two offline bases busiest), fields
 * and categories skewed, more deals in later months, contract amounts from 50,000 to about 10
 * million yuan (log-uniform, with fen), the technology-transaction amount 50–100 % of it; about
 * 80 % counting (verified; signed, registered or completed), the rest draft, unverified, cancelled
 * or rejected. A deal's recorded amounts are never changed by its adjustments (as in the API), and
 * its received_amount is the sum of its payments.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { creditCode } from './deals-data.js';

export interface VolumesDataOptions {
  /** Every deal, the pending ones included. */
  deals: number;
  /** Signed, unverified deals in `pendingBases` bases, in the program's last two months: the ones step 4 verifies. */
  pendingVerifications: number;
  pendingBases: number;
  enterprises: number;
  institutes: number;
  majorListings: number;
  ordinaryListings: number;
  /** Approximate: one payment per paid counting deal. */
  payments: number;
  /** Approximate. */
  adjustments: number;
  serviceRecords: number;
}

export const DEFAULT_VOLUMES_DATA: VolumesDataOptions = {
  deals: 1_000_000,
  pendingVerifications: 6_000,
  pendingBases: 4,
  enterprises: 3_000,
  institutes: 1_000,
  majorListings: 100,
  ordinaryListings: 400,
  payments: 200_000,
  adjustments: 20_000,
  serviceRecords: 50_000,
};

/** The title of the deals step 4 verifies: how the benchmark finds them again. */
export const PENDING_TITLE = '待核验技术转让合同（评测）';

export interface GeneratedLedger {
  seconds: number;
  secondsByStep: Record<string, number>;
  rows: {
    organizations: number;
    listings: number;
    majorListings: number;
    deals: number;
    countingDeals: number;
    pendingDeals: number;
    payments: number;
    adjustments: number;
    serviceRecords: number;
  };
  months: { first: string; last: string };
  pendingBaseIds: string[];
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Rows per INSERT of deals: progress in the log, and no single statement holding a million rows' worth of trigger queue. */
const DEAL_CHUNK = 100_000;

const DISTRICTS = [
  '渝北区',
  '江北区',
  '沙坪坝区',
  '九龙坡区',
  '南岸区',
  '北碚区',
  '巴南区',
  '渝中区',
  '大渡口区',
  '璧山区',
  '永川区',
  '江津区',
];
const ELSEWHERE = ['四川省成都市', '四川省绵阳市', '贵州省贵阳市', '陕西省西安市', '湖北省武汉市'];
const TRADES = ['精密制造', '智能装备', '新材料', '电子科技', '生物医药', '汽车零部件', '软件技术', '新能源'];

/**
 * Fills the database. `client` is connected to a migrated and seeded database with nothing else
 * in it; `creatorId` is the user recorded as the creator of every row (the bootstrap admin).
 */
export async function generateVolumesLedger(
  client: pg.Client,
  options: VolumesDataOptions,
  creatorId: string,
  log: (line: string) => void,
): Promise<GeneratedLedger> {
  const t0 = performance.now();
  const secondsByStep: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const s0 = performance.now();
    const result = await work();
    secondsByStep[name] = round3((performance.now() - s0) / 1000);
    log(`[bench:volumes]   ${name}: ${secondsByStep[name]} s`);
    return result;
  };

  const { rows: programs } = await client.query<{ starts: string; ends: string }>(
    `SELECT starts_on::text AS starts, ends_on::text AS ends FROM program ORDER BY starts_on DESC LIMIT 1`,
  );
  if (!programs.length) throw new Error('the seed created no program');
  const { starts, ends } = programs[0];
  const { rows: bases } = await client.query<{ id: string }>(`SELECT id::text AS id FROM base ORDER BY created_at, code`);
  if (bases.length < options.pendingBases) throw new Error(`the seed created ${bases.length} bases`);
  const baseIds = bases.map((b) => b.id);
  const pendingBaseIds = baseIds.slice(0, options.pendingBases);

  // The same random() sequence every run (one session, statements in order).
  await client.query('SELECT setseed(0.20210601)');

  await step('organisations', async () => {
    const names: string[] = [];
    const kinds: string[] = [];
    const codes: string[] = [];
    const regions: string[] = [];
    for (let i = 0; i < options.enterprises; i++) {
      const local = i % 5 !== 4;
      names.push(
        `${local ? '重庆' : ''}${DISTRICTS[i % DISTRICTS.length].slice(0, 2)}${TRADES[i % TRADES.length]}有限公司${String(i + 1).padStart(5, '0')}`,
      );
      kinds.push('enterprise');
      codes.push(creditCode('enterprise', 40_000_000 + i));
      regions.push(local ? `重庆市${DISTRICTS[i % DISTRICTS.length]}` : ELSEWHERE[i % ELSEWHERE.length]);
    }
    for (let i = 0; i < options.institutes; i++) {
      names.push(`${i % 3 === 0 ? '四川' : '重庆'}${TRADES[i % TRADES.length]}研究院${String(i + 1).padStart(4, '0')}`);
      kinds.push('institute');
      codes.push(creditCode('institute', 50_000_000 + i));
      regions.push(i % 3 === 0 ? ELSEWHERE[i % ELSEWHERE.length] : `重庆市${DISTRICTS[i % DISTRICTS.length]}`);
    }
    await client.query(
      `INSERT INTO organization (name, kind, credit_code, region, status, verified_at)
       SELECT n, k::organization_kind, c, r, 'verified', now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS o(n, k, c, r)`,
      [names, kinds, codes, regions],
    );
  });
  const ids = async (kind: string) =>
    (await client.query<{ id: string }>(`SELECT id::text AS id FROM organization WHERE kind = $1 ORDER BY credit_code`, [kind])).rows.map(
      (r) => r.id,
    );
  const enterpriseIds = await ids('enterprise');
  const instituteIds = await ids('institute');
  const { rows: fieldRows } = await client.query<{ code: string }>('SELECT code FROM field ORDER BY code');
  const fields = fieldRows.map((f) => f.code);

  await step('listings', () =>
    client.query(
      `INSERT INTO listing (owner_organization_id, title, field, keywords, status, region, published_at, summary, maturity,
                            transfer_modes, asking_price, major, valid_until)
       SELECT ($1::uuid[])[1 + (i * 7) % cardinality($1::uuid[])], '评测成果' || i, ($2::text[])[1 + i % cardinality($2::text[])],
              ARRAY['评测', '成果'], 'published', '重庆市沙坪坝区', now(), '用于成交汇总评测的科技成果。', 1 + i % 9,
              ARRAY['transfer', 'license']::transfer_mode[], 1000000 * (1 + i % 50), i <= $3, current_date + 365
         FROM generate_series(1, $3::int + $4::int) i`,
      [instituteIds, fields, options.majorListings, options.ordinaryListings],
    ),
  );
  const { rows: listingRows } = await client.query<{ id: string }>(`SELECT id::text AS id FROM listing ORDER BY major DESC, title`);
  const listingIds = listingRows.map((l) => l.id);

  // Base weights: the online platform and the two offline bases busiest, then the branches, tapering.
  const weights = baseIds.map((_, i) => (i === 0 ? 8 : i < 3 ? 5 : 3 - (i - 3) / 10));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((sum, w) => (cumulative.push((sum + w) / total), sum + w), 0);
  // Each enterprise has a home base (groups of the enterprise list in proportion to the weights), through which it
  // buys 90 % of its deals and gets 85 % of its services: few enterprises deal with every base every month.
  const groupStart: number[] = [];
  const groupSize: number[] = [];
  let offset = 0;
  for (let i = 0; i < baseIds.length; i++) {
    const end = i === baseIds.length - 1 ? enterpriseIds.length : Math.round(cumulative[i] * enterpriseIds.length);
    groupStart.push(offset + 1);
    groupSize.push(Math.max(1, end - offset));
    offset = end;
  }
  /**
   * SQL for an enterprise of base index `bi` (1-based) when `home`, else any: `ids`, `starts` and `sizes` are the
   * placeholders of the enterprise ids and of groupStart and groupSize; `r` a random() in [0, 1).
   */
  const enterprise = (ids: string, starts: string, sizes: string, home: string, bi: string, r: string) =>
    `CASE WHEN ${home} THEN (${ids}::uuid[])[(${starts}::int[])[${bi}] + floor(${r} * (${sizes}::int[])[${bi}])::int]
          ELSE (${ids}::uuid[])[1 + floor(${r} * cardinality(${ids}::uuid[]))::int] END`;

  const generated = options.deals - options.pendingVerifications;
  for (let from = 1; from <= generated; from += DEAL_CHUNK) {
    const to = Math.min(generated, from + DEAL_CHUNK - 1);
    await step(`deals ${from.toLocaleString('en')}–${to.toLocaleString('en')}`, () =>
      client.query(
        `INSERT INTO deal (base_id, seller_organization_id, buyer_organization_id, title, listing_id, category, field,
                           contract_amount, tech_transaction_amount, received_amount, signed_at, registration_no, status, verification,
                           verification_reason, verified_at, created_by_id, created_at, updated_at)
         SELECT ($1::uuid[])[q.bi],
                -- The seller an institute and the buyer an enterprise, but for 8 % of deals the other way round.
                CASE WHEN r.buyer_inst THEN ($4::uuid[])[1 + floor(r.s * cardinality($4::uuid[]))::int]
                     ELSE ($3::uuid[])[1 + floor(r.s * cardinality($3::uuid[]))::int] END,
                CASE WHEN r.buyer_inst THEN ($3::uuid[])[1 + floor(r.p * cardinality($3::uuid[]))::int]
                     ELSE ${enterprise('$4', '$12', '$13', 'r.home', 'q.bi', 'r.p')} END,
                '评测技术合同' || n,
                CASE WHEN r.cat IN ('transfer', 'licence') AND r.l < 0.05
                     THEN ($5::uuid[])[1 + floor(r.l / 0.05 * cardinality($5::uuid[]))::int] END,
                r.cat::deal_category,
                ($6::text[])[1 + floor(power(r.f, 1.3) * cardinality($6::text[]))::int],
                r.contract, r.contract * (50 + floor(r.t * 51)::int) / 100, 0,
                $7::date + floor(sqrt(r.d) * ($8::date - $7::date + 1))::int,
                'YZ' || lpad(n::text, 12, '0'),
                (CASE WHEN r.v < 0.80 THEN (CASE WHEN r.st < 0.40 THEN 'signed' WHEN r.st < 0.75 THEN 'registered' ELSE 'completed' END)
                      WHEN r.v < 0.86 THEN 'draft' WHEN r.v < 0.92 THEN 'signed' WHEN r.v < 0.96 THEN 'cancelled' ELSE 'signed' END)::deal_status,
                (CASE WHEN r.v < 0.80 OR (r.v >= 0.92 AND r.v < 0.94) THEN 'verified' WHEN r.v >= 0.96 THEN 'rejected'
                      ELSE 'unverified' END)::deal_verification,
                CASE WHEN r.v < 0.80 OR (r.v >= 0.92 AND r.v < 0.94) THEN '核验通过' WHEN r.v >= 0.96 THEN '合同材料不全' END,
                CASE WHEN r.v < 0.80 OR (r.v >= 0.92 AND r.v < 0.94) OR r.v >= 0.96 THEN now() END,
                $9, now(), now()
           FROM generate_series($10::int, $11::int) n,
                LATERAL (SELECT random() AS b, random() < 0.08 AS buyer_inst, random() < 0.9 AS home, random() AS s, random() AS p,
                                random() AS l, random() AS f,
                                random() AS t, random() AS d, random() AS v, random() AS st,
                                (CASE WHEN c < 0.35 THEN 'development' WHEN c < 0.50 THEN 'transfer' WHEN c < 0.60 THEN 'licence'
                                      WHEN c < 0.75 THEN 'consulting' ELSE 'service' END) AS cat,
                                (exp(ln(5000000) + random() * ln(200)))::bigint AS contract
                           FROM (SELECT random() AS c, n AS _) x) r,
                LATERAL (SELECT (SELECT count(*) FROM unnest($2::float8[]) c WHERE c < r.b)::int + 1 AS bi) q`,
        [
          baseIds,
          cumulative.slice(0, -1),
          instituteIds,
          enterpriseIds,
          listingIds,
          fields,
          starts,
          ends,
          creatorId,
          from,
          to,
          groupStart,
          groupSize,
        ],
      ),
    );
  }

  await step('pending verifications', () =>
    client.query(
      `INSERT INTO deal (base_id, seller_organization_id, buyer_organization_id, title, category, field, contract_amount,
                         tech_transaction_amount, received_amount, signed_at, registration_no, status, verification, created_by_id)
       SELECT ($1::uuid[])[1 + n % cardinality($1::uuid[])], ($2::uuid[])[1 + floor(random() * cardinality($2::uuid[]))::int],
              ${enterprise('$3', '$9', '$10', 'random() < 0.9', '(1 + n % cardinality($1::uuid[]))', 'random()')}, $4,
              (ARRAY['development', 'transfer', 'licence', 'consulting', 'service'])[1 + n % 5]::deal_category,
              ($5::text[])[1 + n % cardinality($5::text[])], a.contract, a.contract * 4 / 5, 0,
              ($6::date - 60) + n % 60, 'YP' || lpad(n::text, 12, '0'), 'signed', 'unverified', $7
         FROM generate_series(1, $8::int) n, LATERAL (SELECT (exp(ln(5000000) + random() * ln(200)))::bigint + n % 100 AS contract) a`,
      [
        pendingBaseIds,
        instituteIds,
        enterpriseIds,
        PENDING_TITLE,
        fields,
        ends,
        creatorId,
        options.pendingVerifications,
        groupStart,
        groupSize,
      ],
    ),
  );

  const { rows: counted } = await client.query<{ counting: number; notDraft: number; signed: number }>(
    `SELECT count(*) FILTER (WHERE verification = 'verified' AND status IN ('signed', 'registered', 'completed'))::int AS counting,
            count(*) FILTER (WHERE status <> 'draft' AND title <> $1)::int AS "notDraft",
            count(*) FILTER (WHERE status IN ('signed', 'registered', 'completed') AND title <> $1)::int AS signed
       FROM deal`,
    [PENDING_TITLE],
  );
  const countingDeals = counted[0].counting;

  // One payment per paid deal (about a fifth of the deals past draft), received after signing; the deal records it.
  await step('payments', async () => {
    const share = Math.min(1, options.payments / Math.max(1, counted[0].notDraft));
    await client.query(
      `WITH paid AS (
         UPDATE deal SET received_amount = greatest(1, (contract_amount * (20 + floor(random() * 81)::int)) / 100)
          WHERE title <> $1 AND status <> 'draft' AND random() < $2
          RETURNING id, received_amount, signed_at)
       INSERT INTO deal_payment (deal_id, amount, received_at, created_by_id, created_at)
       SELECT id, received_amount, least(current_date, signed_at + floor(random() * 181)::int), $3, now() FROM paid`,
      [PENDING_TITLE, share, creatorId],
    );
  });
  await step('adjustments', () =>
    client.query(
      `INSERT INTO deal_adjustment (deal_id, field, decrease, amount, reason, effective_on, created_by_id, created_at)
       SELECT id, (ARRAY['contractAmount', 'techTransactionAmount', 'receivedAmount'])[1 + floor(random() * 3)::int]::deal_adjusted_amount,
              random() < 0.7, greatest(100, (tech_transaction_amount * floor(1 + random() * 10)::int) / 100), '补充协议调整金额',
              least(current_date, signed_at + 30 + floor(random() * 365)::int), $2, now()
         FROM deal WHERE title <> $1 AND status IN ('signed', 'registered', 'completed') AND random() < $3`,
      [PENDING_TITLE, creatorId, Math.min(1, options.adjustments / Math.max(1, counted[0].signed))],
    ),
  );
  await step('service records', () =>
    client.query(
      `INSERT INTO service_record (base_id, enterprise_organization_id, kind, served_at, note, created_by_id, created_at)
       SELECT ($1::uuid[])[q.bi], ${enterprise('$3', '$8', '$9', 'r.home', 'q.bi', 'r.e')},
              (ARRAY['consulting', 'matching', 'training', 'policy', 'financing', 'other'])[1 + floor(r.k * 6)::int]::service_kind,
              $4::date + floor(sqrt(r.d) * ($5::date - $4::date + 1))::int, '技术需求诊断', $6, now()
         FROM generate_series(1, $7::int) n,
              LATERAL (SELECT random() AS b, random() < 0.85 AS home, random() AS e, random() AS k, random() AS d, n AS _) r,
              LATERAL (SELECT (SELECT count(*) FROM unnest($2::float8[]) c WHERE c < r.b)::int + 1 AS bi) q`,
      [baseIds, cumulative.slice(0, -1), enterpriseIds, starts, ends, creatorId, options.serviceRecords, groupStart, groupSize],
    ),
  );

  const { rows: totals } = await client.query<GeneratedLedger['rows']>(
    `SELECT (SELECT count(*)::int FROM organization) AS organizations, (SELECT count(*)::int FROM listing) AS listings,
            (SELECT count(*)::int FROM listing WHERE major) AS "majorListings", (SELECT count(*)::int FROM deal) AS deals,
            $1::int AS "countingDeals", (SELECT count(*)::int FROM deal WHERE title = $2) AS "pendingDeals",
            (SELECT count(*)::int FROM deal_payment) AS payments, (SELECT count(*)::int FROM deal_adjustment) AS adjustments,
            (SELECT count(*)::int FROM service_record) AS "serviceRecords"`,
    [countingDeals, PENDING_TITLE],
  );
  return {
    seconds: round3((performance.now() - t0) / 1000),
    secondsByStep,
    rows: totals[0],
    months: { first: starts.slice(0, 7), last: ends.slice(0, 7) },
    pendingBaseIds,
  };
}
