/**
 * Chinese full-text search over listings and needs through HTTP, on fixtures written in Chinese.
 *
 * Other suites publish listings into the same database while this one runs, so every search here
 * is confined to this run's fixtures by a region only they carry (`…${RUN}…`, a random Latin
 * tag), except the no-match query, which is a run of rare characters no fixture anywhere holds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import { catalog, createDraft, daysFromToday, expectOk, publish, tag, type Body } from './helpers.js';

interface Hit {
  id: string;
  title: string;
  status: string;
  snippet: string;
  publishedAt: string | null;
  validUntil?: string | null;
  expired?: boolean;
  region: string | null;
}

interface SearchPage {
  items: Hit[];
  nextCursor: string | null;
}

const RUN = tag();
const CHONGQING = `重庆市沙坪坝区${RUN}`;
const SICHUAN = `四川省成都市${RUN}`;

/** A run of rare characters (CJK block end, U+9F80–U+9FA5) that no fixture, here or elsewhere, contains. */
const RARE = Array.from({ length: 6 }, () => String.fromCodePoint(0x9f80 + Math.floor(Math.random() * 0x26))).join('');

/** The listing fixtures, each with its own filters' values. */
const FIXTURES: Record<string, Body> = {
  sic: {
    title: '碳化硅功率模块封装技术',
    summary: '依托中试熟化基地，采用银烧结与铜线键合工艺，模块热阻降低30%，可在175℃下长期工作，适用于新能源汽车电驱系统。',
    field: 'materials',
    keywords: ['功率器件', '银烧结'],
    maturity: 6,
    transferModes: ['transfer', 'license'],
    askingPrice: '1500000',
    region: CHONGQING,
  },
  mems: {
    title: '高精度MEMS传感器',
    summary: '面向工业过程控制的硅压阻式压力敏感芯片，量程0～10MPa，精度优于0.1%FS，已通过-40℃～125℃温度循环试验。',
    field: 'sensors',
    keywords: ['压力芯片'],
    maturity: 7,
    transferModes: ['license'],
    askingPrice: '800000',
    region: CHONGQING,
  },
  fiveG: {
    title: '5G基站射频芯片',
    summary: '氮化镓功放与滤波器一体化设计，支持Sub-6GHz频段，助力建设具有全国影响力的科技创新中心。',
    field: 'ic',
    keywords: ['氮化镓', '射频前端'],
    maturity: 5,
    transferModes: ['equity'],
    askingPrice: null,
    region: SICHUAN,
  },
  graphene: {
    title: '石墨烯导热膜',
    summary: '面向智能手机与可穿戴设备散热，膜厚25微米，面内热扩散性能优于人工石墨片。',
    field: 'materials',
    keywords: [],
    maturity: 4,
    transferModes: ['codevelopment'],
    askingPrice: '3000000',
    region: CHONGQING,
  },
  // Mentions 导热 only in its summary (twice), never in title or keywords; published after the graphene film.
  copper: {
    title: '铜基复合散热基板',
    summary: '以金刚石颗粒增强铜基体，导热系数达600W/(m·K)，导热性能稳定，适用于大功率激光器与雷达组件封装。',
    field: 'materials',
    keywords: [],
    maturity: 5,
    transferModes: ['transfer'],
    askingPrice: '2000000',
    region: CHONGQING,
  },
};

describe('catalog search', () => {
  let t: TestApp;
  let admin: Session;
  let institute: Session;
  let enterprise: Session;
  /** Fixture name → published listing id. */
  const ids: Record<string, string> = {};

  const searchListings = async (query: Record<string, string | number>): Promise<SearchPage> =>
    (await expectOk(catalog(t, 'listing').search(undefined, query))).body;
  /** Ids of the first page of a search confined to this run's fixtures. */
  const found = async (query: Record<string, string | number>): Promise<string[]> =>
    (await searchListings({ region: RUN, limit: 100, ...query })).items.map((h) => h.id);
  const idsOf = (...names: string[]) => names.map((n) => ids[n]);

  beforeAll(async () => {
    t = await createTestApp();
    [admin, institute, enterprise] = await Promise.all([
      loginAdmin(t),
      registerAndLogin(t, 'institute'),
      registerAndLogin(t, 'enterprise'),
    ]);
    // One at a time, so publication order (and "newest") is the order written here.
    for (const [name, body] of Object.entries(FIXTURES)) {
      ids[name] = (await publish(t, 'listing', institute, admin, { ...body, patentNumbers: [] })).id;
    }
  });
  afterAll(() => t.close());

  describe('terms', () => {
    it('finds a term inside a longer run of characters: 碳化硅 in 碳化硅功率模块封装技术', async () => {
      expect(await found({ q: '碳化硅' })).toEqual(idsOf('sic'));
      expect(await found({ q: '功率模块' })).toEqual(idsOf('sic'));
      expect(await found({ q: '模块封装' })).toEqual(idsOf('sic'));
    });

    it('finds a single character, and a term in the summary only', async () => {
      expect(await found({ q: '硅', sort: 'newest' })).toEqual(idsOf('mems', 'sic'));
      expect(await found({ q: '银烧结' })).toEqual(idsOf('sic'));
      expect(await found({ q: '氮化镓' })).toEqual(idsOf('fiveG'));
    });

    it('ranks a title match above a summary match for a 2-character query, although the summary one is newer', async () => {
      const hits = await found({ q: '导热' });
      expect(hits).toEqual(idsOf('graphene', 'copper'));
      // By publication the other way round: the order above is the ranking's.
      expect(await found({ q: '导热', sort: 'newest' })).toEqual(idsOf('copper', 'graphene'));
    });

    it('finds a Latin acronym inside Chinese text, in any case', async () => {
      for (const q of ['MEMS', 'mems', 'Mems', 'MEMS传感器', 'mems 传感器'])
        expect({ q, hits: await found({ q }) }).toEqual({ q, hits: idsOf('mems') });
      for (const q of ['5G', '5g', '5G基站']) expect({ q, hits: await found({ q }) }).toEqual({ q, hits: idsOf('fiveG') });
    });

    it('finds the simplified text from a full-width query (ＭＥＭＳ, ５Ｇ) and a traditional one (碳化矽, 導熱)', async () => {
      expect(await found({ q: 'ＭＥＭＳ' })).toEqual(idsOf('mems'));
      expect(await found({ q: '５Ｇ' })).toEqual(idsOf('fiveG'));
      expect(await found({ q: '碳化矽' })).toEqual(idsOf('sic'));
      expect(await found({ q: '導熱' })).toEqual(idsOf('graphene', 'copper'));
    });

    it('returns nothing for a query with no match', async () => {
      expect(await found({ q: '量子纠缠' })).toEqual([]);
      expect(await found({ q: '碳化硅 MEMS' })).toEqual([]);
      // Across the whole catalogue, not only this run's fixtures.
      for (const q of [RARE, RARE.slice(0, 2)]) {
        const page = await searchListings({ q, limit: 100 });
        expect({ q, page }).toEqual({ q, page: { items: [], nextCursor: null } });
      }
    });

    it('finds a title with a typo in a query of 3+ characters (pg_trgm)', async () => {
      expect(await found({ q: '碳化硅功率模快' })).toEqual(idsOf('sic'));
      expect(await found({ q: '高精度MEMS传感气' })).toEqual(idsOf('mems'));
    });

    it('does not find a query that only punctuation would join', async () => {
      expect(await found({ q: '！？。' })).toEqual([]);
    });
  });

  describe('results', () => {
    it('carry a snippet with the match in <em>, shown as written, and their freshness', async () => {
      const [sic] = (await searchListings({ region: RUN, q: '碳化矽' })).items;
      expect(sic.id).toBe(ids.sic);
      expect(sic.snippet).toContain('<em>碳化硅</em>');
      expect(sic.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(sic.validUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(sic.validUntil! > daysFromToday(300)).toBe(true);
      expect(sic.expired).toBe(false);

      const [mems] = (await searchListings({ region: RUN, q: 'ＭＥＭＳ' })).items;
      expect(mems.snippet).toContain('<em>MEMS</em>');
      const [copper] = (await searchListings({ region: RUN, q: '铜基' })).items;
      expect(copper.snippet).toMatch(/^<em>铜基<\/em>复合散热基板/);
      const [summaryOnly] = (await searchListings({ region: RUN, q: '金刚石' })).items;
      expect(summaryOnly.snippet).toContain('<em>金刚石</em>颗粒');
    });

    it('escape HTML in the snippet, outside and inside the highlight', async () => {
      const region = `重庆市${tag()}`;
      const listing = await publish(t, 'listing', institute, admin, {
        ...FIXTURES.mems,
        title: '<b>压力</b>传感器 & "MEMS" 芯片',
        region,
        patentNumbers: [],
      });
      const [hit] = (await searchListings({ region, q: 'MEMS' })).items;
      expect(hit.id).toBe(listing.id);
      expect(hit.snippet.startsWith('&lt;b&gt;压力&lt;/b&gt;传感器 &amp; &quot;<em>MEMS</em>&quot; 芯片')).toBe(true);
      expect(hit.snippet.replace(/<\/?em>/g, '')).not.toMatch(/[<>]/);
    });

    it('without q, are the newest first and the snippet is the start of the text', async () => {
      const page = await searchListings({ region: RUN, limit: 100 });
      expect(page.items.map((h) => h.id)).toEqual(idsOf('copper', 'graphene', 'fiveG', 'mems', 'sic'));
      expect(page.items[0].snippet.startsWith('铜基复合散热基板')).toBe(true);
      expect(page.items[0].snippet).not.toContain('<em>');
    });
  });

  describe('filters narrow the results', () => {
    it('by field', async () => {
      expect(await found({ field: 'materials', sort: 'newest' })).toEqual(idsOf('copper', 'graphene', 'sic'));
      expect(await found({ field: 'sensors' })).toEqual(idsOf('mems'));
      expect(await found({ field: 'sensors', q: '碳化硅' })).toEqual([]);
    });

    it('by maturityMin', async () => {
      expect(await found({ maturityMin: 6, sort: 'newest' })).toEqual(idsOf('mems', 'sic'));
      expect(await found({ maturityMin: 5, sort: 'newest' })).toEqual(idsOf('copper', 'fiveG', 'mems', 'sic'));
      expect(await found({ maturityMin: 8 })).toEqual([]);
    });

    it('by transferMode', async () => {
      expect(await found({ transferMode: 'license', sort: 'newest' })).toEqual(idsOf('mems', 'sic'));
      expect(await found({ transferMode: 'equity' })).toEqual(idsOf('fiveG'));
      expect(await found({ transferMode: 'codevelopment', q: '导热' })).toEqual(idsOf('graphene'));
    });

    it('by priceMax, inclusive, leaving out 面议 listings whatever the bound', async () => {
      expect(await found({ priceMax: '800000' })).toEqual(idsOf('mems'));
      expect(await found({ priceMax: '799999.99' })).toEqual([]);
      expect(await found({ priceMax: '2000000', sort: 'newest' })).toEqual(idsOf('copper', 'mems', 'sic'));
      const all = await found({ priceMax: '99999999999', sort: 'newest' });
      expect(all).toEqual(idsOf('copper', 'graphene', 'mems', 'sic'));
      expect(all).not.toContain(ids.fiveG);
    });

    it('by region, as a part of the place name', async () => {
      expect(await found({ region: SICHUAN })).toEqual(idsOf('fiveG'));
      expect(await found({ region: `四川省${RUN}` })).toEqual([]);
      expect(await found({ region: CHONGQING, sort: 'newest' })).toEqual(idsOf('copper', 'graphene', 'mems', 'sic'));
    });

    it('all together, with q', async () => {
      expect(await found({ q: '封装', field: 'materials', maturityMin: 5, transferMode: 'transfer', priceMax: '1500000' })).toEqual(
        idsOf('sic'),
      );
    });
  });

  describe('what never appears in search', () => {
    it('drafts, pending, rejected and withdrawn listings, while published ones with the same text do', async () => {
      const region = `重庆市${tag()}`;
      const body = { ...FIXTURES.sic, title: '碳化硅MOSFET驱动电路', region, patentNumbers: [] };
      const listings = catalog(t, 'listing');
      const draft = await createDraft(t, 'listing', institute, body);
      const pending = await createDraft(t, 'listing', institute, body);
      await expectOk(listings.act(institute, pending.id, 'submit'));
      const rejected = await createDraft(t, 'listing', institute, body);
      await expectOk(listings.act(institute, rejected.id, 'submit'));
      await expectOk(listings.review(admin, rejected.id, { decision: 'reject', reason: '请补充检测报告' }));
      const withdrawn = await publish(t, 'listing', institute, admin, body);
      await expectOk(listings.act(institute, withdrawn.id, 'withdraw'));
      const published = await publish(t, 'listing', institute, admin, body);

      for (const query of [{ q: '碳化硅' }, { q: 'MOSFET' }, {}] as Record<string, string>[]) {
        expect((await searchListings({ region, ...query })).items.map((h) => h.id)).toEqual([published.id]);
      }
      // Not even to their owner, signed in, without ?mine=true.
      const asOwner = (await expectOk(listings.search(institute, { region, q: '碳化硅' }))).body as SearchPage;
      expect(asOwner.items.map((h) => h.id)).toEqual([published.id]);
      // ?mine=true is where the owner finds them all.
      const mine = (await expectOk(listings.search(institute, { mine: 'true', q: 'MOSFET' }))).body as SearchPage;
      expect(mine.items.map((h) => h.id).sort()).toEqual([draft.id, pending.id, rejected.id, withdrawn.id, published.id].sort());
    });

    it('an expired listing (validUntil yesterday), which its owner sees as expired; renewing brings it back', async () => {
      const region = `重庆市${tag()}`;
      const listing = await publish(t, 'listing', institute, admin, {
        ...FIXTURES.sic,
        title: '碳化硅衬底外延片',
        region,
        patentNumbers: [],
      });
      expect((await searchListings({ region, q: '碳化硅' })).items.map((h) => h.id)).toEqual([listing.id]);

      await sql('UPDATE listing SET valid_until = $2 WHERE id = $1', [listing.id, daysFromToday(-1)]);
      expect((await searchListings({ region, q: '碳化硅' })).items).toEqual([]);
      expect((await searchListings({ region })).items).toEqual([]);
      const seen = (await expectOk(catalog(t, 'listing').get(institute, listing.id))).body;
      expect(seen).toMatchObject({ status: 'published', expired: true, validUntil: daysFromToday(-1) });
      const mine = (await expectOk(catalog(t, 'listing').search(institute, { mine: 'true', q: '衬底外延' }))).body as SearchPage;
      expect(mine.items).toEqual([expect.objectContaining({ id: listing.id, expired: true })]);

      // A listing valid until today is still in search today.
      await sql('UPDATE listing SET valid_until = $2 WHERE id = $1', [listing.id, daysFromToday(0)]);
      expect((await searchListings({ region })).items.map((h) => h.id)).toEqual([listing.id]);

      await sql('UPDATE listing SET valid_until = $2 WHERE id = $1', [listing.id, daysFromToday(-1)]);
      await expectOk(catalog(t, 'listing').act(institute, listing.id, 'renew', {}));
      expect((await searchListings({ region, q: '碳化硅' })).items.map((h) => [h.id, h.expired])).toEqual([[listing.id, false]]);
    });
  });

  describe('an edit', () => {
    it('re-indexes the listing: after re-approval the new title is found and the old one is not', async () => {
      const region = `重庆市${tag()}`;
      const listing = await publish(t, 'listing', institute, admin, { ...FIXTURES.graphene, region, patentNumbers: [] });
      expect((await searchListings({ region, q: '石墨烯' })).items.map((h) => h.id)).toEqual([listing.id]);
      await expectOk(
        catalog(t, 'listing').patch(institute, listing.id, { title: '氮化硼陶瓷散热片', summary: '高绝缘、高导热的陶瓷散热方案。' }),
      );
      // Pending review: out of search under either title.
      expect((await searchListings({ region, q: '氮化硼' })).items).toEqual([]);
      await expectOk(catalog(t, 'listing').review(admin, listing.id, { decision: 'approve' }));
      expect((await searchListings({ region, q: '氮化硼' })).items.map((h) => h.id)).toEqual([listing.id]);
      expect((await searchListings({ region, q: '石墨烯' })).items).toEqual([]);
    });
  });

  describe('a filtered, paginated walk over 50+ matching items', () => {
    const walkRegion = `重庆市两江新区${tag()}`;
    /** id → whether 智能制造 is in its title. */
    const matching = new Map<string, boolean>();

    beforeAll(async () => {
      const bodies: Body[] = [];
      for (let i = 0; i < 54; i++) {
        const inTitle = i % 3 === 0;
        const repeats = 1 + (i % 4);
        bodies.push({
          title: inTitle ? `智能制造数字孪生平台第${i}号` : `工业机器人柔性产线第${i}号`,
          summary: `${'围绕智能制造，'.repeat(repeats)}开展整体解决方案和核心工程能力研发，服务企业累计超过${i + 1}百家。`,
          field: 'smart-mfg',
          keywords: [],
          maturity: 5 + (i % 5),
          transferModes: i % 2 ? ['license'] : ['license', 'transfer'],
          askingPrice: i % 7 === 0 ? null : String(100000 * (i + 1)),
          region: walkRegion,
          patentNumbers: [],
        });
      }
      // Decoys in the same region, each failing exactly one filter.
      const decoys: Body[] = [
        { ...bodies[1], title: '智能制造成熟度不足样机', maturity: 4 },
        { ...bodies[1], title: '智能制造仅转让', transferModes: ['transfer'] },
        { ...bodies[1], title: '智能制造其他领域', field: 'robotics' },
        { ...bodies[1], title: '工业机器人柔性产线', summary: '围绕工业互联网开展整体解决方案研发。' },
      ];
      const publishAll = async (list: Body[], onPublished: (id: string, body: Body) => void) => {
        for (let i = 0; i < list.length; i += 6) {
          const batch = list.slice(i, i + 6);
          const published = await Promise.all(batch.map((body) => publish(t, 'listing', institute, admin, body)));
          published.forEach((p, j) => onPublished(p.id, batch[j]));
        }
      };
      await publishAll(bodies, (id, body) => matching.set(id, (body.title as string).includes('智能制造')));
      await publishAll(decoys, () => undefined);
    }, 120_000);

    const query = { q: '智能制造', field: 'smart-mfg', maturityMin: 5, transferMode: 'license' };

    async function walk(sort: 'newest' | 'relevance'): Promise<{ hits: Hit[]; pages: number }> {
      const hits: Hit[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: SearchPage = await searchListings({ ...query, region: walkRegion, sort, limit: 7, ...(cursor ? { cursor } : {}) });
        pages++;
        if (page.nextCursor !== null) expect(page.items).toHaveLength(7);
        else expect(page.items.length).toBeLessThanOrEqual(7);
        hits.push(...page.items);
        cursor = page.nextCursor;
        expect(pages).toBeLessThan(20);
      } while (cursor);
      return { hits, pages };
    }

    it.each(['newest', 'relevance'] as const)('returns each matching item exactly once with sort=%s', async (sort) => {
      expect(matching.size).toBe(54);
      const { hits, pages } = await walk(sort);
      const seen = hits.map((h) => h.id);
      expect(seen.length).toBe(54);
      expect(new Set(seen).size).toBe(54);
      expect(new Set(seen)).toEqual(new Set(matching.keys()));
      expect(pages).toBe(8);

      if (sort === 'newest') {
        const times = hits.map((h) => Date.parse(h.publishedAt!));
        expect(times.every((time, i) => i === 0 || time <= times[i - 1])).toBe(true);
      } else {
        // Every title match ranks above every summary-only match.
        const inTitle = hits.map((h) => matching.get(h.id));
        expect(inTitle.indexOf(false)).toBe(18);
        expect(inTitle.slice(18).every((v) => v === false)).toBe(true);
      }
    });

    it('walks the same items with ?mine=true, newest created first', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: SearchPage = (
          await expectOk(
            catalog(t, 'listing').search(institute, {
              mine: 'true',
              q: '智能制造',
              sort: 'newest',
              limit: 7,
              ...(cursor ? { cursor } : {}),
            }),
          )
        ).body;
        seen.push(...page.items.map((h) => h.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of matching.keys()) expect(seen).toContain(id);
    });
  });

  describe('needs', () => {
    const needIds: Record<string, string> = {};
    const region = `重庆市渝北区${tag()}`;
    const NEEDS: Record<string, Body> = {
      mid: {
        title: '高精度MEMS压力传感器国产化',
        description: '需要量程0～10MPa的MEMS压力传感器芯片及封装方案，用于工业过程控制。',
        field: 'sensors',
        keywords: ['压力芯片'],
        budgetMin: '500000',
        budgetMax: '2000000',
      },
      open: {
        title: '碳化硅功率模块车规级验证',
        description: '寻求碳化硅功率模块的AEC-Q101车规级可靠性验证与失效分析合作。',
        field: 'materials',
        keywords: ['车规级'],
        budgetMin: '3000000',
        budgetMax: null,
      },
      small: {
        title: '石墨烯导热涂层小批量试制',
        description: '委托开发用于LED灯具散热的石墨烯导热涂层，完成小批量试制。',
        field: 'materials',
        keywords: [],
        budgetMin: '100000',
        budgetMax: '300000',
      },
    };
    const foundNeeds = async (query: Record<string, string | number>) =>
      ((await expectOk(catalog(t, 'need').search(undefined, { region, limit: 100, ...query }))).body as SearchPage).items.map((h) => h.id);

    beforeAll(async () => {
      for (const [name, body] of Object.entries(NEEDS))
        needIds[name] = (await publish(t, 'need', enterprise, admin, { ...body, region })).id;
      // A draft and a closed need with matching text never appear.
      await createDraft(t, 'need', enterprise, { ...NEEDS.mid, region });
      const closed = await publish(t, 'need', enterprise, admin, { ...NEEDS.mid, region });
      await expectOk(catalog(t, 'need').act(enterprise, closed.id, 'close'));
    });

    it('finds needs in Chinese and Latin, with a snippet', async () => {
      expect(await foundNeeds({ q: 'mems' })).toEqual([needIds.mid]);
      expect(await foundNeeds({ q: '碳化矽' })).toEqual([needIds.open]);
      expect(await foundNeeds({ q: '导热', sort: 'newest' })).toEqual([needIds.small]);
      expect(await foundNeeds({ q: RARE })).toEqual([]);
      const [hit] = ((await expectOk(catalog(t, 'need').search(undefined, { region, q: '车规级' }))).body as SearchPage).items;
      expect(hit.snippet).toContain('<em>车规级</em>');
      expect(hit.publishedAt).not.toBeNull();
    });

    it('filters by budget: budgetMin keeps needs whose range reaches it (or is open), budgetMax those whose minimum is within it', async () => {
      expect(new Set(await foundNeeds({ budgetMin: '1000000' }))).toEqual(new Set([needIds.mid, needIds.open]));
      expect(new Set(await foundNeeds({ budgetMin: '2000000' }))).toEqual(new Set([needIds.mid, needIds.open]));
      expect(await foundNeeds({ budgetMin: '2000000.01' })).toEqual([needIds.open]);
      expect(await foundNeeds({ budgetMax: '250000' })).toEqual([needIds.small]);
      expect(new Set(await foundNeeds({ budgetMax: '500000' }))).toEqual(new Set([needIds.small, needIds.mid]));
      expect(await foundNeeds({ budgetMin: '1000000', budgetMax: '2500000' })).toEqual([needIds.mid]);
      expect(await foundNeeds({ budgetMin: '1000000', budgetMax: '2500000', q: '碳化硅' })).toEqual([]);
    });

    it('filters by field and region', async () => {
      expect(new Set(await foundNeeds({ field: 'materials' }))).toEqual(new Set([needIds.open, needIds.small]));
      expect(await foundNeeds({ field: 'sensors', q: 'MEMS传感器' })).toEqual([needIds.mid]);
      expect(await foundNeeds({ region: `四川省${RUN}` })).toEqual([]);
    });

    it('walks the needs page by page without repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: SearchPage = (await expectOk(catalog(t, 'need').search(undefined, { region, limit: 1, ...(cursor ? { cursor } : {}) })))
          .body;
        seen.push(...page.items.map((h) => h.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([needIds.small, needIds.open, needIds.mid]);
    });
  });
});
