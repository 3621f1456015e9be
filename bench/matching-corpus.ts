/**
 * Technology needs (技术需求) for the speed half of `npm run bench:matching`: enterprises' needs in
 * realistic Chinese, composed from the vocabulary of the search corpus (bench/search-corpus.ts:
 * its domain terms per field, applications, problems, metrics, regions), so that they share terms
 * with the 100,000 generated listings the way real needs share them with real results.
 *
 * Deterministic: a fixed seed of its own, so that the listings (SearchCorpus) are the same rows
 * whether or not needs are generated; the dates follow the day of generation.
 */
import { addYears, Money, platformDate } from '#yizhi/core';
import { FIELD_SEEDS } from '#yizhi/fields';
import { creditCodeCheckChar, orgCodeCheckChar } from '#yizhi/identity';
import {
  ADJECTIVES,
  APPLICATIONS,
  concat,
  CONTACT_SURNAMES,
  DIVISIONS,
  FIELD_TERMS,
  FIELD_WEIGHTS,
  METRICS,
  NOUNS,
  PROBLEMS,
  Random,
  REGIONS,
  type OrganizationRow,
} from './search-corpus.js';
import type { EvalNeed } from './matching-eval.js';

/** Bump when the generator changes: the stored corpus is then rebuilt. */
export const NEED_CORPUS_VERSION = 1;
export const NEED_CORPUS_SEED = 0x5eed_2027;

export interface NeedRow {
  id: string;
  ownerOrganizationId: string;
  title: string;
  field: string;
  keywords: string[];
  description: string;
  /** Fen as decimal strings; budgetMaxFen null is no upper bound. */
  budgetMinFen: string;
  budgetMaxFen: string | null;
  maturityMin: number | null;
  region: string;
  contact: { name: string; phone: string };
  publishedAt: Date;
  createdAt: Date;
  deadline: string;
}

const BUSINESSES = ['智造', '新材', '芯联', '数智', '恒通', '精工', '汇能', '博远', '云图', '华创', '瑞丰', '驰远', '鼎新', '天衡'];
const TRADES = ['科技', '电子', '装备', '材料', '智能', '能源', '汽车零部件', '医疗器械', '信息技术'];
const NEED_OPENINGS = ['希望引进', '寻求', '拟联合高校院所开发', '需要', '计划采购并二次开发'];
const COOPERATION = [
  '可采用技术转让、许可或合作开发方式',
  '优先考虑成渝地区高校院所',
  '需提供中试或产线验证数据',
  '要求具备知识产权且权属清晰',
  '可先行开展小批量试用',
];
const TITLE_ENDINGS = ['技术需求', '解决方案', '技术攻关', '国产化替代', '工艺改进', '联合研发'];
const DAY_MS = 86_400_000;

/** The enterprises that post needs, and their needs one at a time. */
export class NeedCorpus {
  private readonly random: Random;
  private readonly fieldWeights: [string, number][];
  readonly enterprises: OrganizationRow[];

  constructor(
    enterpriseCount: number,
    private readonly now: Date,
    seed = NEED_CORPUS_SEED,
  ) {
    this.random = new Random(seed);
    this.fieldWeights = FIELD_SEEDS.map((field) => [field.code, FIELD_WEIGHTS[field.code] ?? 1]);
    this.enterprises = this.makeEnterprises(enterpriseCount);
  }

  private makeEnterprises(count: number): OrganizationRow[] {
    const names = new Set<string>();
    const orgCodes = new Set<string>();
    const out: OrganizationRow[] = [];
    while (out.length < count) {
      const region = this.random.pick(REGIONS);
      const place = region
        .replace(/^.+?省/, '')
        .replace(/[市区]+$/, '')
        .replace(/^重庆/, '重庆');
      const name = `${place}${this.random.pick(BUSINESSES)}${this.random.pick(TRADES)}有限公司`;
      if (names.has(name)) continue;
      names.add(name);
      let orgCode: string;
      do orgCode = String(this.random.int(10_000_000, 99_999_999));
      while (orgCodes.has(orgCode));
      orgCodes.add(orgCode);
      // 9 (工商) 1 (企业), the division, the organisation code with its check, then the code's check.
      const first17 = `91${DIVISIONS[region]}${orgCode}${orgCodeCheckChar(orgCode)}`;
      out.push({ id: this.random.uuid(), name, creditCode: first17 + creditCodeCheckChar(first17), region });
    }
    return out;
  }

  /** A term of the field, now and then of another field. */
  private term(field: string): string {
    return this.random.chance(0.85) ? this.random.pick(FIELD_TERMS[field]) : this.random.pick(Object.values(FIELD_TERMS).flat());
  }

  need(): NeedRow {
    const r = this.random;
    const field = r.weighted(this.fieldWeights);
    const owner = r.pick(this.enterprises);
    const t1 = this.term(field);
    let t2 = this.term(field);
    if (t2 === t1) t2 = r.pick(FIELD_TERMS[field]);
    const application = r.pick(APPLICATIONS);
    let title: string;
    switch (r.int(0, 4)) {
      case 0:
        title = concat(t1, r.pick(TITLE_ENDINGS));
        break;
      case 1:
        title = concat('寻求', r.pick(ADJECTIVES), t1, r.pick(NOUNS));
        break;
      case 2:
        title = concat(application, '用', t1, r.pick(TITLE_ENDINGS));
        break;
      case 3:
        title = concat(t1, '与', t2, '集成', r.pick(TITLE_ENDINGS));
        break;
      default:
        title = concat(r.pick(ADJECTIVES), t1, r.pick(NOUNS), '需求');
    }
    const sentences = [
      `我公司主要从事${application}相关产品的研发与生产，目前${concat(t1, r.pick(['环节', '工序', '部件', '系统']))}存在${r.pick(PROBLEMS)}、${r.pick(PROBLEMS)}等问题。`,
      `${r.pick(NEED_OPENINGS)}${concat(r.pick(ADJECTIVES), t2, r.pick(NOUNS))}，要求${r.pick(METRICS)}提升${r.int(10, 50)}%以上，${r.pick(COOPERATION)}。`,
    ];
    if (r.chance(0.5)) sentences.push(`项目将用于${r.pick(APPLICATIONS)}场景，涉及${this.term(field)}和${this.term(field)}。`);
    const budgetMin = BigInt(Math.round(Math.exp(r.float() * Math.log(100)) * 50)) * 1_000n * 100n; // ¥50,000 – ¥5,000,000
    const budgetMax = r.chance(0.15) ? null : (budgetMin * BigInt(r.int(15, 40))) / 10n;
    const publishedAt = new Date(this.now.getTime() - r.int(1, 120 * 24 * 60) * 60_000);
    return {
      id: r.uuid(),
      ownerOrganizationId: owner.id,
      title,
      field,
      keywords: [...new Set(r.sample(FIELD_TERMS[field], r.int(2, 4)))],
      description: sentences.join(''),
      budgetMinFen: budgetMin.toString(),
      budgetMaxFen: budgetMax === null ? null : budgetMax.toString(),
      maturityMin: r.chance(0.3) ? null : r.int(3, 8),
      region: r.chance(0.8) ? owner.region : r.pick(REGIONS),
      contact: { name: `${r.pick(CONTACT_SURNAMES)}经理`, phone: `1${r.pick(['3', '5', '8'])}${r.int(100_000_000, 999_999_999)}` },
      publishedAt,
      createdAt: new Date(publishedAt.getTime() - r.int(1, 10) * DAY_MS),
      deadline: addYears(platformDate(this.now), 1),
    };
  }

  /** A need of the evaluation set, as a row owned by the first enterprise (same dates as the generated ones). */
  evalNeed(need: EvalNeed, index: number): NeedRow {
    const publishedAt = new Date(this.now.getTime() - (index + 1) * 3_600_000);
    return {
      id: this.random.uuid(),
      ownerOrganizationId: this.enterprises[0].id,
      title: need.title,
      field: need.field,
      keywords: need.keywords,
      description: need.description,
      budgetMinFen: Money.parse(need.budgetMin).fen.toString(),
      budgetMaxFen: need.budgetMax === null ? null : Money.parse(need.budgetMax).fen.toString(),
      maturityMin: need.maturityMin ?? null,
      region: need.region,
      contact: { name: '张经理', phone: '13800000000' },
      publishedAt,
      createdAt: new Date(publishedAt.getTime() - DAY_MS),
      deadline: addYears(platformDate(this.now), 1),
    };
  }
}
