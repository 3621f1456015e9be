import { BaseKind, type Province } from './base.entity.js';

export interface BaseSeed {
  code: string;
  name: string;
  kind: BaseKind;
  province: Province;
  city: string;
  district: string | null;
}

const branch = (code: string, province: Province, city: string, district: string | null, place: string): BaseSeed => ({
  code: `branch-${code}`,
  name: `易智网${place}分基地`,
  kind: BaseKind.Branch,
  province,
  city,
  district,
});

/**
 * The 1 + 2 + 17 bases of the plan. The online platform and the two offline bases are named in
 * the article; the branch names are demo data on real cities of the 成渝 economic circle, which
 * an admin renames with PATCH /bases/:id.
 */
export const BASE_SEEDS: readonly BaseSeed[] = [
  { code: 'online', name: '易智网线上平台', kind: BaseKind.Online, province: '重庆', city: '重庆', district: null },
  { code: 'liangjiang', name: '易智网两江新区线下服务基地', kind: BaseKind.Offline, province: '重庆', city: '重庆', district: '两江新区' },
  { code: 'gaoxin', name: '易智网重庆高新区线下服务基地', kind: BaseKind.Offline, province: '重庆', city: '重庆', district: '重庆高新区' },
  branch('wanzhou', '重庆', '重庆', '万州区', '万州'),
  branch('fuling', '重庆', '重庆', '涪陵区', '涪陵'),
  branch('yongchuan', '重庆', '重庆', '永川区', '永川'),
  branch('hechuan', '重庆', '重庆', '合川区', '合川'),
  branch('jiangjin', '重庆', '重庆', '江津区', '江津'),
  branch('bishan', '重庆', '重庆', '璧山区', '璧山'),
  branch('changshou', '重庆', '重庆', '长寿区', '长寿'),
  branch('rongchang', '重庆', '重庆', '荣昌区', '荣昌'),
  branch('dazu', '重庆', '重庆', '大足区', '大足'),
  branch('qianjiang', '重庆', '重庆', '黔江区', '黔江'),
  branch('chengdu', '四川', '成都', null, '成都'),
  branch('mianyang', '四川', '绵阳', null, '绵阳'),
  branch('deyang', '四川', '德阳', null, '德阳'),
  branch('yibin', '四川', '宜宾', null, '宜宾'),
  branch('luzhou', '四川', '泸州', null, '泸州'),
  branch('suining', '四川', '遂宁', null, '遂宁'),
  branch('nanchong', '四川', '南充', null, '南充'),
];
