/**
 * The city of a place name as people write it (重庆市渝北区 → 重庆, 四川省成都市高新区 → 成都), and
 * whether it lies in the 成渝地区双城经济圈: Chongqing and the 15 Sichuan cities of the 2021 plan.
 */
const CHENG_YU_SICHUAN = [
  '成都',
  '自贡',
  '泸州',
  '德阳',
  '绵阳',
  '遂宁',
  '内江',
  '乐山',
  '南充',
  '眉山',
  '宜宾',
  '广安',
  '达州',
  '雅安',
  '资阳',
];
const MUNICIPALITIES = ['重庆', '北京', '上海', '天津'];

export function cityOf(region: string | null | undefined): string | null {
  if (!region) return null;
  for (const city of MUNICIPALITIES) if (region.startsWith(city)) return city;
  // 四川省成都市…, 广东省深圳市…, or a bare 成都市…
  const match = /^(?:.+?省|.+?自治区)?(.+?)(?:市|州|盟)/u.exec(region);
  return match ? match[1] : null;
}

export const inChengYu = (city: string | null): boolean => city === '重庆' || (city !== null && CHENG_YU_SICHUAN.includes(city));
