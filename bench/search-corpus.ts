/**
 * The corpus of `npm run bench:search`: research-result listings (科技成果) in realistic Chinese,
 * generated from a fixed seed so that every run (and every machine) gets the same text.
 *
 * Vocabulary: clauses of the newspaper article in ../shared/seed/*.txt (split on punctuation), the
 * field taxonomy's names, and domain terms per field (碳化硅, 石墨烯, 锂离子电池, 机器视觉,
 * MEMS传感器, 5G, SiC, …) with the Latin acronyms such text carries. Titles, keywords and summaries
 * are composed from them by templates; owners are a few hundred institutes with valid credit codes.
 *
 * Pure and deterministic: the same seed, seed text and version give the same rows, ids included.
 * The dates are relative to the day of generation (listings must be valid when measured).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addYears, platformDate } from '#yizhi/core';
import { FIELD_SEEDS } from '#yizhi/fields';
import { creditCodeCheckChar, orgCodeCheckChar } from '#yizhi/identity';
import { patentCheckChar } from '#yizhi/catalog';

/** Bump when the generator changes, so that a stored corpus of an older generator is rebuilt. */
export const CORPUS_VERSION = 2;
export const CORPUS_SEED = 0x5eed_2026;

// ---------------------------------------------------------------- PRNG

/** mulberry32: a small, fast 32-bit PRNG; plenty for test data, and the same on every platform. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `count` distinct items (fewer if there are not that many). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]);
    return out;
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let at = this.next() * total;
    for (const [item, weight] of items) {
      at -= weight;
      if (at < 0) return item;
    }
    return items[items.length - 1][0];
  }

  /** A random v4-shaped UUID (deterministic, from this generator). */
  uuid(): string {
    const hex = Array.from({ length: 4 }, () => (Math.floor(this.next() * 2 ** 32) >>> 0).toString(16).padStart(8, '0')).join('');
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

// ---------------------------------------------------------------- vocabulary

/** Domain terms per field code, with the Latin acronyms and mixed terms such listings carry. */
export const FIELD_TERMS: Readonly<Record<string, readonly string[]>> = {
  ic: [
    '集成电路',
    '芯片',
    '碳化硅',
    'SiC',
    '碳化硅器件',
    '氮化镓',
    'GaN',
    '功率器件',
    '功率模块',
    'IGBT',
    'MOSFET',
    '晶圆',
    '封装测试',
    '射频芯片',
    'EDA',
    '光刻胶',
    '模拟芯片',
    '存储芯片',
    '集成电路设计',
    '先进封装',
  ],
  electronics: [
    '电子信息',
    '5G',
    '射频前端',
    '天线',
    '印制电路板',
    'PCB',
    '光通信',
    '光模块',
    '毫米波雷达',
    '物联网',
    'IoT',
    '嵌入式系统',
    'FPGA',
    'NB-IoT',
    'UWB定位',
    '电磁兼容',
  ],
  ai: [
    '人工智能',
    '机器视觉',
    '机器视觉检测',
    '深度学习',
    '神经网络',
    '自然语言处理',
    '知识图谱',
    '语音识别',
    '图像识别',
    '大模型',
    '边缘计算',
    'AI',
    '目标检测',
    '缺陷识别',
  ],
  bigdata: ['大数据', '大数据智能化', '数据中台', '数据治理', '云计算', '分布式存储', '区块链', '数据库', '隐私计算', 'GIS', '时空大数据'],
  biomed: [
    '生物医药',
    '单克隆抗体',
    '疫苗',
    'mRNA',
    '体外诊断',
    'IVD',
    '基因测序',
    '中药',
    '医疗器械',
    '细胞治疗',
    'CAR-T',
    '靶向药物',
    '药物制剂',
    '原料药',
    '医用材料',
  ],
  equipment: [
    '高端装备',
    '数控机床',
    'CNC',
    '精密减速器',
    '伺服电机',
    '液压系统',
    '激光加工',
    '增材制造',
    '3D打印',
    '轨道交通装备',
    '智能装备',
    '先进连接',
    '激光焊接',
  ],
  'new-energy': [
    '新能源',
    '锂离子电池',
    '固态电池',
    '动力电池',
    '储能系统',
    '氢燃料电池',
    '光伏组件',
    '钙钛矿',
    '风电',
    '电池管理系统',
    'BMS',
    '充电桩',
    '动力电池回收',
    '氢能',
    '正极材料',
    '电解液',
  ],
  materials: [
    '新材料',
    '石墨烯',
    '碳纤维',
    '复合材料',
    '高温合金',
    '钛合金',
    '铝合金',
    '镁合金',
    '稀土永磁',
    '纳米材料',
    '陶瓷基复合材料',
    '高分子材料',
    '功能涂层',
    '石墨烯薄膜',
    '碳化硅陶瓷',
  ],
  nev: [
    '智能网联汽车',
    '新能源汽车',
    '自动驾驶',
    '激光雷达',
    '车载芯片',
    '电驱动系统',
    '线控底盘',
    'V2X',
    '车联网',
    '驱动电机',
    'LiDAR',
    '智能座舱',
  ],
  display: ['新型显示', 'OLED', 'Micro LED', '柔性显示', '液晶面板', 'LCD', '量子点', '触控模组', '显示驱动芯片', '光学膜'],
  'smart-mfg': [
    '智能制造',
    '工业互联网',
    '数字孪生',
    'MES',
    '智能工厂',
    '柔性生产线',
    '预测性维护',
    '数字孪生工厂',
    '智能制造系统',
    '工业大数据',
    '测控系统',
  ],
  'digital-economy': ['数字经济', '电子商务', '智慧城市', '智慧物流', '智慧医疗', '金融科技', '数字政务', '智慧旅游', '智慧交通'],
  aerospace: ['航空航天', '航空发动机', '无人机', '卫星导航', '北斗', '航电系统', '遥感', '飞行控制', '复合材料构件'],
  'industrial-software': ['工业软件', 'CAD', 'CAE', 'PLM', '仿真软件', '工业APP', '低代码平台', '工业软件平台', 'PLC', '嵌入式软件'],
  sensors: [
    '智能传感器',
    'MEMS传感器',
    'MEMS',
    '压力传感器',
    '温度传感器',
    '气体传感器',
    '光纤传感',
    '图像传感器',
    '惯性传感器',
    '传感器芯片',
    '柔性传感器',
  ],
  robotics: ['工业机器人', '协作机器人', '服务机器人', '机器人控制器', '机械臂', '视觉引导', '移动机器人', 'AGV', 'SLAM', '智能机器人'],
  other: ['环保', '污水处理', '固废资源化', '农业科技', '食品加工', '节能减排', '碳捕集', '膜分离', '土壤修复', '智慧农业'],
};

/** How often each field occurs (materials, AI, biomedicine and energy are the largest here). */
export const FIELD_WEIGHTS: Readonly<Record<string, number>> = {
  ic: 8,
  electronics: 8,
  ai: 9,
  bigdata: 6,
  biomed: 9,
  equipment: 8,
  'new-energy': 9,
  materials: 10,
  nev: 6,
  display: 4,
  'smart-mfg': 8,
  'digital-economy': 4,
  aerospace: 3,
  'industrial-software': 4,
  sensors: 5,
  robotics: 5,
  other: 4,
};

const TITLE_SUFFIXES = [
  '技术',
  '关键技术',
  '制备方法',
  '制备工艺',
  '研发及产业化',
  '应用示范',
  '系统',
  '装置',
  '平台',
  '检测方法',
  '集成技术',
  '工艺及装备',
  '解决方案',
  '设计方法',
  '控制方法',
  '成套技术',
];
export const ADJECTIVES = [
  '高效',
  '低成本',
  '高精度',
  '高可靠',
  '低功耗',
  '智能',
  '轻量化',
  '柔性',
  '大功率',
  '高通量',
  '绿色',
  '国产化',
  '新型',
  '高性能',
];
export const NOUNS = ['及其制备方法', '装置', '系统', '模块', '检测方法', '控制系统', '组件', '工艺', '测试平台'];
export const APPLICATIONS = [
  '新能源汽车',
  '智能电网',
  '轨道交通',
  '5G通信',
  '工业互联网',
  '医疗健康',
  '航空航天',
  '消费电子',
  '智慧农业',
  '数据中心',
  '城市治理',
  '石油化工',
  '冶金',
  '建筑工程',
];
export const PROBLEMS = [
  '成本高',
  '可靠性不足',
  '效率偏低',
  '依赖进口',
  '寿命短',
  '精度不足',
  '能耗高',
  '良率低',
  '散热困难',
  '一致性差',
  '检测周期长',
];
const METHODS = ['采用', '提出', '研发了', '构建了', '建立了', '突破了', '开发了', '优化了'];
export const METRICS = ['效率', '良率', '精度', '寿命', '能量密度', '检测速度', '综合性能', '稳定性', '产能'];
export const REGIONS = [
  '重庆市渝北区',
  '重庆市沙坪坝区',
  '重庆市九龙坡区',
  '重庆市江北区',
  '重庆市南岸区',
  '重庆市北碚区',
  '重庆市渝中区',
  '重庆市巴南区',
  '重庆市璧山区',
  '重庆市永川区',
  '重庆市涪陵区',
  '重庆市万州区',
  '重庆市江津区',
  '重庆市合川区',
  '重庆市大渡口区',
  '四川省成都市',
  '四川省绵阳市',
  '四川省德阳市',
  '四川省宜宾市',
  '四川省自贡市',
  '四川省泸州市',
  '贵州省贵阳市',
  '陕西省西安市',
  '云南省昆明市',
];
/** Administrative division code (行政区划代码) of each region, for the credit codes. */
export const DIVISIONS: Readonly<Record<string, string>> = {
  重庆市渝北区: '500112',
  重庆市沙坪坝区: '500106',
  重庆市九龙坡区: '500107',
  重庆市江北区: '500105',
  重庆市南岸区: '500108',
  重庆市北碚区: '500109',
  重庆市渝中区: '500103',
  重庆市巴南区: '500113',
  重庆市璧山区: '500120',
  重庆市永川区: '500118',
  重庆市涪陵区: '500102',
  重庆市万州区: '500101',
  重庆市江津区: '500116',
  重庆市合川区: '500117',
  重庆市大渡口区: '500104',
  四川省成都市: '510100',
  四川省绵阳市: '510700',
  四川省德阳市: '510600',
  四川省宜宾市: '511500',
  四川省自贡市: '510300',
  四川省泸州市: '510500',
  贵州省贵阳市: '520100',
  陕西省西安市: '610100',
  云南省昆明市: '530100',
};
const ORG_PLACES = [
  '重庆',
  '成都',
  '绵阳',
  '西南',
  '川渝',
  '两江',
  '西部',
  '长江上游',
  '嘉陵',
  '巴渝',
  '渝北',
  '璧山',
  '永川',
  '德阳',
  '宜宾',
  '自贡',
];
const ORG_DISCIPLINES = [
  '智能制造',
  '先进材料',
  '集成电路',
  '生物医药',
  '新能源',
  '人工智能',
  '电子信息',
  '精密仪器',
  '绿色化工',
  '智能传感',
  '汽车工程',
  '航空航天',
  '环境科学',
  '农业科技',
  '光电技术',
  '机器人',
  '工业软件',
  '大数据',
  '新型显示',
  '轨道交通',
];
const ORG_KINDS = ['研究院', '研究所', '工程技术研究中心', '技术创新中心', '产业技术研究院', '重点实验室', '科技大学', '理工学院'];
export const CONTACT_SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '罗',
  '高',
  '林',
];
const CONTACT_TITLES = ['老师', '教授', '研究员', '工程师', '主任', '博士'];
const TRANSFER_MODES = ['transfer', 'license', 'equity', 'codevelopment'] as const;

const LATIN_END = /[A-Za-z0-9]$/;
const LATIN_START = /^[A-Za-z0-9]/;

/** Concatenates parts as Chinese text does, with a space only between two Latin/digit runs (Micro LED OLED). */
export function concat(...parts: string[]): string {
  let out = '';
  for (const part of parts) out += LATIN_END.test(out) && LATIN_START.test(part) ? ` ${part}` : part;
  return out;
}

/** The article's clauses: lines joined (the columns break lines mid-sentence), split on punctuation. */
export function seedPhrases(seedDir: string): string[] {
  const files = readdirSync(seedDir)
    .filter((name) => name.endsWith('.txt'))
    .sort();
  if (!files.length) throw new Error(`no *.txt in ${seedDir}`);
  const phrases = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(seedDir, file), 'utf8').replace(/\s+/g, '');
    for (const clause of text.split(/[，。、：；？！“”‘’《》（）()—…「」·,.;:?!]+/)) {
      const cjk = clause.match(/\p{Script=Han}/gu)?.length ?? 0;
      if (clause.length >= 4 && clause.length <= 30 && cjk >= 4) phrases.add(clause);
    }
  }
  return [...phrases];
}

// ---------------------------------------------------------------- rows

export interface OrganizationRow {
  id: string;
  name: string;
  creditCode: string;
  region: string;
}

export interface ListingRow {
  id: string;
  ownerOrganizationId: string;
  title: string;
  field: string;
  keywords: string[];
  contact: { name: string; phone: string };
  region: string;
  publishedAt: Date;
  createdAt: Date;
  summary: string;
  maturity: number;
  transferModes: string[];
  /** Fen as a decimal string, or null (面议). */
  askingPriceFen: string | null;
  patentNumbers: string[];
  major: boolean;
  validUntil: string;
}

const DAY_MS = 86_400_000;

/** The generator: organisations first, then listings one at a time (stream them into the database). */
export class SearchCorpus {
  private readonly random: Random;
  private readonly phrases: string[];
  private readonly fieldWeights: [string, number][];
  private readonly allTerms: string[];
  readonly organizations: OrganizationRow[];

  constructor(
    seedDir: string,
    organizationCount: number,
    private readonly now: Date,
    seed = CORPUS_SEED,
  ) {
    this.random = new Random(seed);
    this.phrases = seedPhrases(seedDir);
    const known = new Set(FIELD_SEEDS.map((field) => field.code));
    for (const code of Object.keys(FIELD_TERMS)) if (!known.has(code)) throw new Error(`unknown field code in the corpus: ${code}`);
    this.fieldWeights = FIELD_SEEDS.map((field) => [field.code, FIELD_WEIGHTS[field.code] ?? 1]);
    this.allTerms = Object.values(FIELD_TERMS).flat();
    this.organizations = this.makeOrganizations(organizationCount);
  }

  /** How many distinct clauses the seed text gave. */
  get phraseCount(): number {
    return this.phrases.length;
  }

  private makeOrganizations(count: number): OrganizationRow[] {
    const names = new Set<string>();
    const orgCodes = new Set<string>();
    const out: OrganizationRow[] = [];
    while (out.length < count) {
      const name = `${this.random.pick(ORG_PLACES)}${this.random.pick(ORG_DISCIPLINES)}${this.random.pick(ORG_KINDS)}`;
      if (names.has(name)) continue;
      names.add(name);
      const region = this.region();
      let orgCode: string;
      do orgCode = String(this.random.int(10_000_000, 99_999_999));
      while (orgCodes.has(orgCode));
      orgCodes.add(orgCode);
      // 1 (机构编制) 2 (事业单位), the division, the organisation code with its check, then the code's check.
      const first17 = `12${DIVISIONS[region]}${orgCode}${orgCodeCheckChar(orgCode)}`;
      out.push({ id: this.random.uuid(), name, creditCode: first17 + creditCodeCheckChar(first17), region });
    }
    return out;
  }

  private region(): string {
    // Mostly Chongqing, then Sichuan, then the neighbours.
    return this.random.chance(0.65) ? this.random.pick(REGIONS.slice(0, 15)) : this.random.pick(REGIONS.slice(15));
  }

  /** A term of the field, or now and then of any field (results cross fields). */
  private term(field: string): string {
    return this.random.chance(0.82) ? this.random.pick(FIELD_TERMS[field]) : this.random.pick(this.allTerms);
  }

  private title(field: string, fieldName: string): string {
    const t1 = this.term(field);
    let t2 = this.term(field);
    if (t2 === t1) t2 = this.random.pick(FIELD_TERMS[field]);
    const suffix = this.random.pick(TITLE_SUFFIXES);
    switch (this.random.int(0, 7)) {
      case 0:
      case 1:
        return concat(t1, suffix);
      case 2:
        return concat('基于', t1, '的', t2, suffix);
      case 3:
        return concat('一种', this.random.pick(ADJECTIVES), t1, this.random.pick(NOUNS));
      case 4:
        return concat('面向', this.random.pick(APPLICATIONS), '的', t1, suffix);
      case 5:
        return concat(this.random.pick(ADJECTIVES), t1, t2, suffix);
      case 6:
        return concat(t1, '与', t2, '协同', suffix);
      default:
        return concat(fieldName, '领域', t1, suffix);
    }
  }

  private summary(field: string, title: string): string {
    const r = this.random;
    const sentences: string[] = [];
    sentences.push(
      `本成果针对${this.term(field)}${r.pick(PROBLEMS)}、${r.pick(PROBLEMS)}等问题，${r.pick(METHODS)}${concat(r.pick(ADJECTIVES), this.term(field), r.pick(NOUNS))}，` +
        `${r.pick(METRICS)}提升${r.int(8, 60)}%，成本降低${r.int(5, 45)}%。`,
    );
    if (r.chance(0.6))
      sentences.push(`${title}已完成${r.pick(['小试', '中试', '工程化验证', '样机研制', '示范应用'])}，${r.pick(this.phrases)}。`);
    if (r.chance(0.7)) {
      sentences.push(
        `可广泛应用于${r.pick(APPLICATIONS)}、${r.pick(APPLICATIONS)}等领域，已获授权发明专利${r.int(1, 12)}项，` +
          `在${r.pick(REGIONS)}等地${r.int(1, 30)}家企业推广应用。`,
      );
    }
    const clauses = r.int(2, 4);
    const article: string[] = [];
    for (let i = 0; i < clauses; i++) article.push(r.pick(this.phrases));
    sentences.push(`${article.join('，')}。`);
    if (r.chance(0.35)) sentences.push(`关键词涉及${this.term(field)}、${this.term(field)}和${this.term(field)}。`);
    return sentences.join('');
  }

  private patentNumber(): string {
    const year = this.random.int(2012, 2025);
    const type = this.random.pick(['1', '1', '1', '2']);
    const digits = `${year}${type}${String(this.random.int(0, 9_999_999)).padStart(7, '0')}`;
    return `${digits}.${patentCheckChar(digits)}`;
  }

  listing(): ListingRow {
    const r = this.random;
    const field = r.weighted(this.fieldWeights);
    const fieldName = FIELD_SEEDS.find((f) => f.code === field)?.name ?? field;
    const owner = r.pick(this.organizations);
    const title = this.title(field, fieldName);
    const keywords = [...new Set([...r.sample(FIELD_TERMS[field], r.int(2, 4)), ...(r.chance(0.4) ? [fieldName] : [])])];
    const publishedAt = new Date(this.now.getTime() - r.int(1, 300 * 24 * 60) * 60_000 - r.int(0, 59_999));
    const createdAt = new Date(publishedAt.getTime() - r.int(1, 20) * DAY_MS - r.int(0, DAY_MS - 1));
    const price = r.chance(0.25) ? null : BigInt(Math.round(Math.exp(r.float() * Math.log(1_000)) * 50)) * 1_000n * 100n;
    return {
      id: r.uuid(),
      ownerOrganizationId: owner.id,
      title,
      field,
      keywords,
      contact: {
        name: `${r.pick(CONTACT_SURNAMES)}${r.pick(CONTACT_TITLES)}`,
        phone: r.chance(0.5) ? `023-6${r.int(1_000_000, 9_999_999)}` : `1${r.pick(['3', '5', '8'])}${r.int(100_000_000, 999_999_999)}`,
      },
      region: r.chance(0.8) ? owner.region : this.region(),
      publishedAt,
      createdAt,
      summary: this.summary(field, title),
      maturity: r.weighted([
        [1, 2],
        [2, 4],
        [3, 8],
        [4, 12],
        [5, 15],
        [6, 18],
        [7, 17],
        [8, 14],
        [9, 10],
      ]),
      transferModes: r.sample(TRANSFER_MODES, r.weighted([[1, 5] as const, [2, 3] as const, [3, 1] as const])).sort(),
      askingPriceFen: price === null ? null : price.toString(),
      patentNumbers: r.chance(0.45) ? Array.from({ length: r.int(1, 3) }, () => this.patentNumber()) : [],
      major: r.chance(0.03),
      // Approval's default is a year after publication; some owners chose two or three.
      validUntil: addYears(platformDate(publishedAt), r.weighted([[1, 7] as const, [2, 2] as const, [3, 1] as const])),
    };
  }
}
