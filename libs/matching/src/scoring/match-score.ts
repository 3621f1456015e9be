import { FIELD_SEEDS } from '#yizhi/fields';
import { RELATED_FIELDS } from '../data/field-relations.js';
import { MATCH_COMPONENTS, MATCH_TEXT, MATCH_WEIGHTS } from './match-weights.js';
import { cityOf, inChengYu } from './regions.js';

/** What scoring needs of a need. Amounts in fen. */
export interface NeedFacts {
  field: string;
  maturityMin: number | null;
  budgetMin: bigint;
  budgetMax: bigint | null;
  region: string | null;
}

/** What scoring needs of a listing. Amounts in fen; askingPrice null is 面议. */
export interface ListingFacts {
  field: string;
  maturity: number;
  askingPrice: bigint | null;
  region: string | null;
}

/** BM25 of the need's terms over the listing, its ideal, and the shared terms by contribution. */
export interface TextFacts {
  bm25: number;
  ideal: number;
  terms: readonly string[];
}

export type MatchReasonCode =
  | 'KEYWORDS'
  | 'FIELD_MATCH'
  | 'FIELD_RELATED'
  | 'MATURITY_MET'
  | 'MATURITY_BELOW'
  | 'PRICE_IN_BUDGET'
  | 'PRICE_NEGOTIABLE'
  | 'PRICE_OVER_BUDGET'
  | 'REGION_SAME_CITY'
  | 'REGION_CHENGYU'
  | 'RECENT';

export interface MatchReason {
  code: MatchReasonCode;
  label: string;
}

export interface ScoredMatch {
  /** In [0, 1], four decimals. */
  score: number;
  reasons: MatchReason[];
}

const FIELD_NAMES = new Map(FIELD_SEEDS.map((f) => [f.code, f.name]));
const RELATED = new Set(RELATED_FIELDS.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
const DAY_MS = 86_400_000;
const yuan = (fen: bigint) => `${(Number(fen) / 1_000_000).toLocaleString('zh-CN', { maximumFractionDigits: 1 })}万元`;

/**
 * The score of a listing for a need, and why. The same pair scores the same whichever side asks:
 * the need's terms are the query, the listing the document. `published` is the publication of the
 * side being recommended (its freshness).
 */
export function scoreMatch(need: NeedFacts, listing: ListingFacts, text: TextFacts, published: Date | null, now: Date): ScoredMatch {
  const reasons: MatchReason[] = [];

  const textScore = text.ideal > 0 ? Math.min(1, text.bm25 / (MATCH_TEXT.idealShare * text.ideal)) : 0;
  if (text.terms.length) reasons.push({ code: 'KEYWORDS', label: `关键词：${text.terms.slice(0, 3).join('、')}` });

  let field = 0;
  if (need.field === listing.field) {
    field = 1;
    reasons.push({ code: 'FIELD_MATCH', label: '技术领域一致' });
  } else if (RELATED.has(`${need.field}|${listing.field}`)) {
    field = MATCH_COMPONENTS.relatedField;
    reasons.push({
      code: 'FIELD_RELATED',
      label: `技术领域相关：${FIELD_NAMES.get(need.field) ?? need.field}—${FIELD_NAMES.get(listing.field) ?? listing.field}`,
    });
  }

  let maturity: number;
  if (need.maturityMin === null) {
    maturity = 0.5 + (listing.maturity - 5) / 16;
  } else if (listing.maturity >= need.maturityMin) {
    maturity = 1;
    reasons.push({ code: 'MATURITY_MET', label: `成熟度满足要求（TRL ${listing.maturity} ≥ ${need.maturityMin}）` });
  } else {
    maturity = Math.max(0, 1 - MATCH_COMPONENTS.maturityPerLevelBelow * (need.maturityMin - listing.maturity));
    reasons.push({ code: 'MATURITY_BELOW', label: `成熟度低于要求（TRL ${listing.maturity} < ${need.maturityMin}）` });
  }

  let price: number;
  if (listing.askingPrice === null) {
    price = MATCH_COMPONENTS.negotiablePrice;
    reasons.push({ code: 'PRICE_NEGOTIABLE', label: '价格面议' });
  } else if (need.budgetMax === null || listing.askingPrice <= need.budgetMax) {
    price = 1;
    reasons.push({ code: 'PRICE_IN_BUDGET', label: `报价${yuan(listing.askingPrice)}，在预算内` });
  } else {
    // Linear from 1 at the budget to 0 at twice the budget.
    price = Math.max(0, 2 - Number(listing.askingPrice) / Number(need.budgetMax));
    reasons.push({ code: 'PRICE_OVER_BUDGET', label: `报价${yuan(listing.askingPrice)}，超出预算上限${yuan(need.budgetMax)}` });
  }

  const needCity = cityOf(need.region);
  const listingCity = cityOf(listing.region);
  const { region: regions } = MATCH_COMPONENTS;
  let region: number = regions.unknown;
  if (needCity && listingCity) {
    if (needCity === listingCity) {
      region = regions.sameCity;
      reasons.push({ code: 'REGION_SAME_CITY', label: `同在${needCity}` });
    } else if (inChengYu(needCity) && inChengYu(listingCity)) {
      region = regions.chengYu;
      reasons.push({ code: 'REGION_CHENGYU', label: `同在成渝地区（${listingCity}—${needCity}）` });
    } else region = regions.elsewhere;
  }

  let freshness: number = MATCH_COMPONENTS.stalest;
  if (published) {
    const days = Math.max(0, (now.getTime() - published.getTime()) / DAY_MS);
    const { freshDays, staleDays, stalest } = MATCH_COMPONENTS;
    freshness = days <= freshDays ? 1 : Math.max(stalest, 1 - ((1 - stalest) * (days - freshDays)) / (staleDays - freshDays));
    if (days <= freshDays) reasons.push({ code: 'RECENT', label: `${Math.floor(days)}天内发布` });
  }

  // The context (field, maturity, price, region, freshness) scales the text relevance instead of
  // adding to it: a listing that fits the need's field and budget but shares none of its technology
  // must not outrank one that does.
  const w = MATCH_WEIGHTS;
  const context = w.field * field + w.maturity * maturity + w.price * price + w.region * region + w.freshness * freshness;
  const score = textScore * (w.text + context);
  return { score: Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000, reasons };
}
