/**
 * The data of `npm run bench:deals` (bench/deals.ts): the terms of the n-th deal (the same for the
 * POST /deals body and for the bare INSERT of the baseline), valid credit codes, registration
 * numbers, and the GBK CSV that POST /deals/import reads, as a base's operator keeps it.
 */
import { randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';
import { DEAL_CATEGORY_NAMES, DealCategory } from '#yizhi/deals';
import { FIELD_SEEDS } from '#yizhi/fields';
import { creditCodeCheckChar, orgCodeCheckChar } from '#yizhi/identity';

/** Six capitals or digits of this run, so that registration numbers differ from one run to the next. */
const RUN_TAG = randomBytes(3).toString('hex').toUpperCase();

/**
 * A 登记编号 no other deal of the run has: 20 digits and capitals (the year, one letter naming who
 * wrote it, the run's tag, a serial).
 */
export function registrationNo(year: number, writer: 'A' | 'S' | 'I' | 'C', serial: number): string {
  return `${year}${writer}${RUN_TAG}${String(serial).padStart(9, '0')}`;
}

/**
 * A valid unified social credit code of Chongqing (500000): 12 (事业单位) for an institute, 91
 * (企业) for an enterprise; `serial` picks the organisation code, both check characters computed.
 */
export function creditCode(kind: 'institute' | 'enterprise', serial: number): string {
  const orgCode = String(serial).padStart(8, '0');
  if (orgCode.length > 8) throw new Error(`credit code serial ${serial} is too large`);
  const first17 = `${kind === 'institute' ? '12' : '91'}500000${orgCode}${orgCodeCheckChar(orgCode)}`;
  return first17 + creditCodeCheckChar(first17);
}

/** What a deal says, whoever writes it. Amounts in fen. */
export interface DealTerms {
  title: string;
  category: DealCategory;
  fieldCode: string;
  fieldName: string;
  contractFen: bigint;
  techFen: bigint;
  serviceFeeFen: bigint;
  /** YYYY-MM-DD. */
  signedAt: string;
}

const TITLES = [
  '碳化硅功率模块封装技术许可合同',
  '石墨烯导热膜量产工艺转让合同',
  '工业机器人视觉引导系统开发合同',
  '固态电池电解质制备技术咨询合同',
  '智能网联汽车域控制器软件服务合同',
  '激光焊接工艺参数优化技术服务合同',
  '高温合金叶片精密铸造技术转让合同',
  '中药配方颗粒质量标准研究开发合同',
];
const CATEGORIES = Object.values(DealCategory);
const DAY_MS = 86_400_000;

/** The days from 1 January of `today`'s year to `today` (the signing dates of the run). */
export function signingDays(today: string): { year: number; days: number } {
  const year = Number(today.slice(0, 4));
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.UTC(year, 0, 1)) / DAY_MS) + 1;
  return { year, days };
}

/**
 * The n-th deal: amounts from 50,000 to about 4,950,000 yuan (under the 5,000,000 expert-review
 * line, none twenty times the median), 技术交易额 four fifths of it, a 2% service fee, and a signing
 * date spread over the year so far (never in the future: no 签订日期晚于今天 flag).
 */
export function dealTerms(n: number, calendar: { year: number; days: number }): DealTerms {
  const contractFen = BigInt(50_000 + ((n * 7_919) % 491) * 10_000) * 100n + BigInt(n % 100);
  const field = FIELD_SEEDS[n % FIELD_SEEDS.length];
  const day = (n * 37 + 11) % calendar.days;
  return {
    title: TITLES[n % TITLES.length],
    category: CATEGORIES[n % CATEGORIES.length],
    fieldCode: field.code,
    fieldName: field.name,
    contractFen,
    techFen: (contractFen * 4n) / 5n,
    serviceFeeFen: contractFen / 50n,
    signedAt: new Date(Date.UTC(calendar.year, 0, 1) + day * DAY_MS).toISOString().slice(0, 10),
  };
}

/** Fen as the JSON API takes yuan: 1500000.00. */
export const yuan = (fen: bigint) => `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`;

/** Fen as a spreadsheet shows yuan: 1,500,000.00. */
export const yuanWithSeparators = (fen: bigint) => `${(fen / 100n).toLocaleString('en-US')}.${(fen % 100n).toString().padStart(2, '0')}`;

/** 2026-05-01 as people type it: 2026/5/1. */
export const slashDate = (date: string) => date.split('-').map(Number).join('/');

export interface DealParties {
  baseId: string;
  sellerOrgId: string;
  buyerOrgId: string;
  /** The operator who records the deals: the API makes it the broker and the creator. */
  operatorId: string;
}

/** The POST /deals body of these terms. */
export function apiBody(parties: DealParties, terms: DealTerms, registration: string): Record<string, string> {
  return {
    baseId: parties.baseId,
    sellerOrgId: parties.sellerOrgId,
    buyerOrgId: parties.buyerOrgId,
    title: terms.title,
    category: terms.category,
    field: terms.fieldCode,
    contractAmount: yuan(terms.contractFen),
    techTransactionAmount: yuan(terms.techFen),
    serviceFee: yuan(terms.serviceFeeFen),
    signedAt: terms.signedAt,
    registrationNo: registration,
  };
}

/**
 * The baseline's statement: the row POST /deals writes (DealsService.insertDeal: a draft,
 * unverified, version 1, nothing received, the operator as broker and creator), in one INSERT.
 */
export const INSERT_DEAL = `INSERT INTO deal (base_id, seller_organization_id, buyer_organization_id, title, listing_id, need_id, lead_id,
    category, field, broker_id, contract_amount, tech_transaction_amount, service_fee, received_amount, signed_at, registration_no,
    status, verification, verification_reason, verified_at, version, created_by_id)
  VALUES ($1, $2, $3, $4, NULL, NULL, NULL, $5, $6, $7, $8, $9, $10, 0, $11, $12, 'draft', 'unverified', NULL, NULL, 1, $7)
  RETURNING id, created_at, updated_at`;

export function insertParams(parties: DealParties, terms: DealTerms, registration: string): unknown[] {
  return [
    parties.baseId,
    parties.sellerOrgId,
    parties.buyerOrgId,
    terms.title,
    terms.category,
    terms.fieldCode,
    parties.operatorId,
    terms.contractFen.toString(),
    terms.techFen.toString(),
    terms.serviceFeeFen.toString(),
    terms.signedAt,
    registration,
  ];
}

/** The import's Chinese headers, as the registration forms print them. */
export const IMPORT_HEADERS = [
  '合同名称',
  '合同类型',
  '合同成交额(元)',
  '技术交易额(元)',
  '签订日期',
  '卖方',
  '卖方统一社会信用代码',
  '买方',
  '买方统一社会信用代码',
  '登记编号',
  '技术领域',
] as const;

const DISTRICTS = ['渝北', '江北', '沙坪坝', '九龙坡', '南岸', '北碚', '巴南', '渝中', '大渡口', '璧山', '永川', '江津'];
const TRADES = ['精密制造', '智能装备', '新材料', '电子科技', '生物医药', '汽车零部件', '软件技术', '新能源'];

/** The serial of the first buyer's organisation code: clear of the codes the benchmark registers. */
const BUYER_SERIAL_BASE = 30_000_000;

export interface ImportFile {
  /** The CSV as GBK bytes (what Excel in China saves a "CSV" as). */
  file: Buffer;
  rows: number;
  /** The first row's buyer, to check that its name was read back from GBK. */
  firstBuyer: { name: string; creditCode: string };
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * `rows` deals sold by `seller`, each to a buyer new to the platform (a valid credit code; the
 * import adds it as pending), categories and fields by their Chinese names, dates as 2026/5/1,
 * amounts with thousands separators; GBK.
 */
export function importCsv(
  rows: number,
  seller: { name: string; creditCode: string },
  calendar: { year: number; days: number },
  firstSerial: number,
): ImportFile {
  const lines: string[] = [IMPORT_HEADERS.join(',')];
  let firstBuyer: ImportFile['firstBuyer'] | undefined;
  for (let i = 0; i < rows; i++) {
    const n = firstSerial + i;
    const terms = dealTerms(n, calendar);
    const buyer = {
      name: `重庆${DISTRICTS[i % DISTRICTS.length]}${TRADES[Math.floor(i / DISTRICTS.length) % TRADES.length]}有限公司${String(i + 1).padStart(6, '0')}`,
      creditCode: creditCode('enterprise', BUYER_SERIAL_BASE + i),
    };
    firstBuyer ??= buyer;
    const cells = [
      terms.title,
      DEAL_CATEGORY_NAMES[terms.category],
      yuanWithSeparators(terms.contractFen),
      yuanWithSeparators(terms.techFen),
      slashDate(terms.signedAt),
      seller.name,
      seller.creditCode,
      buyer.name,
      buyer.creditCode,
      registrationNo(calendar.year, 'I', n),
      terms.fieldName,
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  if (!firstBuyer) throw new Error('an import file needs at least one row');
  return { file: iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'), rows, firstBuyer };
}
