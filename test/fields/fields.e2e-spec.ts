import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { sql } from '../support/factories.js';

/** The field taxonomy of API.md, in its order (left column, then right column). */
const TAXONOMY = [
  { code: 'bigdata', name: '大数据智能化' },
  { code: 'ic', name: '集成电路' },
  { code: 'biomed', name: '生物医药' },
  { code: 'electronics', name: '电子信息' },
  { code: 'ai', name: '人工智能' },
  { code: 'equipment', name: '高端装备' },
  { code: 'new-energy', name: '新能源' },
  { code: 'materials', name: '新材料' },
  { code: 'nev', name: '智能网联及新能源汽车' },
  { code: 'display', name: '新型显示' },
  { code: 'smart-mfg', name: '智能制造' },
  { code: 'digital-economy', name: '数字经济' },
  { code: 'aerospace', name: '航空航天' },
  { code: 'industrial-software', name: '工业软件' },
  { code: 'sensors', name: '智能传感器' },
  { code: 'robotics', name: '工业机器人' },
  { code: 'other', name: '其他' },
];

describe('GET /api/v1/fields', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('gives anyone the 17 fields of the taxonomy, with their Chinese names, in order', async () => {
    const res = await t
      .http()
      .get('/api/v1/fields')
      .expect(200)
      .expect('content-type', /^application\/json/);
    expect(res.body).toEqual({ items: TAXONOMY });
    expect(res.body.items).toHaveLength(17);
    expect(res.body.items[0]).toEqual({ code: 'bigdata', name: '大数据智能化' });
    expect(res.body.items.at(-1)).toEqual({ code: 'other', name: '其他' });
  });

  it('serves the taxonomy from the database, ordered by sort_order', async () => {
    const rows = await sql<{ code: string; name: string; sort_order: number }>(
      'SELECT code, name, sort_order FROM field ORDER BY sort_order',
    );
    expect(rows.map((r) => r.sort_order)).toEqual(TAXONOMY.map((_, i) => i + 1));
    const res = await t.http().get('/api/v1/fields').expect(200);
    expect(res.body.items).toEqual(rows.map(({ code, name }) => ({ code, name })));
  });
});
