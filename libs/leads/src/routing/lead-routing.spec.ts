import { describe, expect, it } from '@jest/globals';
import { BASE_SEEDS, BaseKind } from '#yizhi/bases';
import { routeLead, type RoutableBase } from './lead-routing.js';

const seeded = (): RoutableBase[] => BASE_SEEDS.map((seed) => ({ ...seed, id: seed.code, active: true }));
const route = (region: string, bases = seeded()) => routeLead(region, bases)?.code;

describe('routeLead over the seeded bases', () => {
  it.each([
    ['重庆市万州区', 'branch-wanzhou'],
    ['万州区', 'branch-wanzhou'],
    ['重庆市永川区', 'branch-yongchuan'],
    ['四川省成都市', 'branch-chengdu'],
    // 高新区 here is Chengdu's: the Sichuan city is more specific than Chongqing's 高新区 table.
    ['四川省成都市高新区', 'branch-chengdu'],
    ['四川省绵阳市涪城区', 'branch-mianyang'],
    ['重庆市渝北区', 'liangjiang'],
    ['重庆市两江新区', 'liangjiang'],
    ['重庆市江北区', 'liangjiang'],
    ['重庆市北碚区', 'liangjiang'],
    ['重庆市沙坪坝区', 'gaoxin'],
    ['重庆市九龙坡区', 'gaoxin'],
    ['重庆高新区', 'gaoxin'],
    ['重庆市大渡口区', 'gaoxin'],
    ['北京市海淀区', 'online'],
    ['重庆', 'online'],
    ['重庆市潼南区', 'online'],
    ['四川省乐山市', 'online'],
    ['', 'online'],
  ])('%s → %s', (region, code) => {
    expect(route(region)).toBe(code);
  });

  it('skips an inactive base and falls through to the next rule', () => {
    const bases = seeded().map((b) => (b.code === 'branch-wanzhou' || b.code === 'liangjiang' ? { ...b, active: false } : b));
    expect(route('重庆市万州区', bases)).toBe('online');
    expect(route('重庆市渝北区', bases)).toBe('online');
    expect(route('四川省成都市', bases)).toBe('branch-chengdu');
  });

  it('falls back to the online platform even when it is marked inactive', () => {
    const bases = seeded().map((b) => (b.code === 'online' ? { ...b, active: false } : b));
    expect(route('北京市海淀区', bases)).toBe('online');
  });

  it('returns undefined without an online base', () => {
    expect(
      route(
        '北京市海淀区',
        seeded().filter((b) => b.code !== 'online'),
      ),
    ).toBeUndefined();
  });

  it('prefers a branch base by district over an offline base of the same district', () => {
    const yubei: RoutableBase = {
      id: 'x',
      code: 'branch-yubei',
      kind: BaseKind.Branch,
      province: '重庆',
      city: '重庆',
      district: '渝北区',
      active: true,
    };
    expect(route('重庆市渝北区', [...seeded(), yubei])).toBe('branch-yubei');
  });

  it('lets a Chongqing branch without a district claim nothing by its city', () => {
    const vague: RoutableBase = {
      id: 'x',
      code: 'branch-aaa',
      kind: BaseKind.Branch,
      province: '重庆',
      city: '重庆',
      district: null,
      active: true,
    };
    expect(route('重庆市渝北区', [...seeded(), vague])).toBe('liangjiang');
  });

  it('takes the place the region names first when it names two', () => {
    expect(route('重庆市万州区（原涪陵区办事处）')).toBe('branch-wanzhou');
  });

  it('serves an admin-added offline base by its own district', () => {
    const jingkai: RoutableBase = {
      id: 'x',
      code: 'jingkai',
      kind: BaseKind.Offline,
      province: '重庆',
      city: '重庆',
      district: '经开区',
      active: true,
    };
    expect(route('重庆市经开区', [...seeded(), jingkai])).toBe('jingkai');
  });
});
