import { BaseKind } from '#yizhi/bases';

/** What routing needs to know of a base. */
export interface RoutableBase {
  id: string;
  code: string;
  kind: BaseKind;
  province: string;
  city: string;
  district: string | null;
  active: boolean;
}

/** The base every lead no other rule claims goes to. */
export const ONLINE_BASE_CODE = 'online';

/**
 * Which Chongqing districts each offline base serves, for enterprises no branch base serves.
 * Our judgement of Chongqing's geography, not an official division; change it here:
 * - 两江新区 (Liangjiang New Area) was carved out of 江北, 渝北 and 北碚, north of the Jialing and
 *   the Yangtze, so those districts go to its base; so do 渝中 and 南岸, across the rivers from
 *   江北, whose companies reach 两江 more easily than the western science city.
 * - 重庆高新区 (the High-tech Zone, 西部科学城) lies west of the 中梁山 around 沙坪坝 and 九龙坡;
 *   the south-western urban districts 大渡口 and 巴南 go with it.
 * Districts with their own branch base (万州, 涪陵, 永川, …) never reach this table: the branch wins.
 * An offline base an admin adds later serves its own district until it gets a row here.
 */
export const OFFLINE_BASE_DISTRICTS: Readonly<Record<string, readonly string[]>> = {
  liangjiang: ['两江新区', '渝北区', '江北区', '北碚区', '渝中区', '南岸区'],
  gaoxin: ['重庆高新区', '西部科学城', '沙坪坝区', '九龙坡区', '大渡口区', '巴南区'],
};

/** Where one of `places` first appears in `region`, or Infinity: the earliest mention decides between two matches. */
function position(region: string, places: readonly string[]): number {
  return Math.min(...places.map((place) => region.indexOf(place)).filter((at) => at >= 0));
}

/** The candidate one of whose places the region mentions first; ties by code, so the choice is stable. */
function earliest(
  region: string,
  candidates: RoutableBase[],
  placesOf: (base: RoutableBase) => readonly string[],
): RoutableBase | undefined {
  return candidates
    .map((base) => ({ base, at: position(region, placesOf(base)) }))
    .filter(({ at }) => at !== Infinity)
    .sort((a, b) => a.at - b.at || a.base.code.localeCompare(b.base.code))[0]?.base;
}

/**
 * The base a lead from an enterprise of `region` (a place name as people write it: 重庆市万州区,
 * 四川省成都市高新区) goes to, among `bases`. The most specific match wins, and only active bases
 * count:
 * 1. a branch base whose district appears in the region (重庆市万州区 → branch-wanzhou);
 * 2. a Sichuan branch base whose city appears in the region (四川省成都市 → branch-chengdu); every
 *    Chongqing base has the city 重庆, so a city alone says nothing there;
 * 3. an offline base by the district table above (重庆市渝北区 → liangjiang);
 * 4. the online platform, whether or not it is marked active: it is the last resort, and a lead
 *    must land somewhere.
 * Returns undefined only when there is no online base at all (an unseeded database).
 */
export function routeLead(region: string, bases: readonly RoutableBase[]): RoutableBase | undefined {
  const active = bases.filter((base) => base.active);
  const branches = active.filter((base) => base.kind === BaseKind.Branch);
  const offline = active.filter((base) => base.kind === BaseKind.Offline);
  return (
    earliest(region, branches, (base) => (base.district ? [base.district] : [])) ??
    earliest(
      region,
      branches.filter((base) => base.province === '四川'),
      (base) => [base.city],
    ) ??
    earliest(region, offline, (base) => OFFLINE_BASE_DISTRICTS[base.code] ?? (base.district ? [base.district] : [])) ??
    bases.find((base) => base.code === ONLINE_BASE_CODE)
  );
}
