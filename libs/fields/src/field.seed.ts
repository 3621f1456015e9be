/** The field taxonomy of API.md, from the priority fields named in the article. */
export const FIELD_SEEDS: readonly { code: string; name: string }[] = [
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

/** Every field code, for validators (`@IsIn(FIELD_CODES)`). */
export const FIELD_CODES: readonly string[] = FIELD_SEEDS.map((f) => f.code);

/** The message of a refused field code, the same on every route. */
export const FIELD_CODE_MESSAGE = 'field must be a code of the field taxonomy (GET /fields)';
