/**
 * Chinese full-text search without a Chinese parser in PostgreSQL (DESIGN.md §4, "Search").
 *
 * Debian's PostgreSQL has no zhparser, pg_jieba or pg_bigm, and `to_tsvector('simple', …)` keeps a
 * whole run of Chinese characters as one lexeme. So the application tokenises:
 *
 *   - every run of CJK characters gives all its unigrams and all its overlapping bigrams, each at
 *     the position of its first character, so a query of any length is a `<->` phrase of bigrams;
 *   - every run of Latin letters and digits (`mems`, `5g`, `iso9001`) is one word.
 *
 * The contract, checked against real PostgreSQL in test/search/tsvector.e2e-spec.ts: when the
 * normalised text T contains the normalised query Q, `toTsvectorLiteral(T) @@ toTsquery(Q)`, as
 * long as Q does not start inside a Latin/digit word (words are indexed whole, not as character
 * strings: `EMS` does not find `MEMS`, and `25年` does not find `2025年`).
 *
 * Everything here is pure and dependency-free; the SQL side is `$1::tsvector` and `$2::tsquery`.
 */

// ---------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------

/**
 * Traditional (and a few variant) characters → simplified, for the characters that actually occur
 * in technology text: ~650, where a full converter needs phrase tables. Only one-to-one conversions
 * that are safe in that direction: characters that simplified text also uses with another meaning
 * (乾, 著, 藉, 瞭) are left out. The pairs agree with OpenCC's Taiwan/Hong Kong → mainland character
 * conversion, plus two it leaves to its phrase tables: 矽→硅 (Taiwan's name for silicon) and the
 * variant 銲→焊. Every target is a simplified character that is not itself a key, so
 * normalisation is idempotent.
 */
const TRADITIONAL_PAIRS = `
  體体 電电 導导 車车 機机 學学 術术 發发 髮发 與与 產产 業业 醫医 藥药 網网 數数 據据 開开 關关 測测
  試试 傳传 動动 統统 製制 矽硅 鋰锂 專专 權权 轉转 讓让 許许 證证 認认 評评 價价 資资 營营 銷销 購购
  買买 賣卖 費费 貨货 財财 貿贸 幣币 額额 稅税 貸贷 債债 險险 帳帐 賬账 實实 驗验 檢检 設设 計计 標标
  準准 規规 範范 質质 優优 變变 頻频 號号 訊讯 軟软 庫库 絡络 雲云 線线 綫线 纜缆 腦脑 儀仪 錶表 顯显
  視视 聲声 響响 氣气 壓压 熱热 溫温 濕湿 處处 輛辆 駕驾 駛驶 飛飞 艦舰 運运 輸输 軌轨 橋桥 衛卫 鐵铁
  鋼钢 鋁铝 銅铜 鎳镍 鈷钴 鋅锌 錳锰 鈦钛 鎢钨 鉬钼 釩钒 銀银 鉑铂 鈀钯 鉛铅 錫锡 鎂镁 鈣钙 鈉钠 鉀钾
  鉻铬 鍺锗 鎵镓 銦铟 銻锑 鉍铋 鈮铌 鉭钽 鋯锆 釔钇 鑭镧 鈰铈 釹钕 鏑镝 銫铯 鋇钡 鍶锶 鈹铍 鐳镭 鈾铀
  釷钍 鈈钚 氫氢 氬氩 鹼碱 鹽盐 烴烃 劑剂 纖纤 維维 膠胶 漿浆 塗涂 層层 紡纺 織织 納纳 顆颗 複复 復复
  廠厂 礦矿 煉炼 鑄铸 鍛锻 銲焊 鑽钻 軸轴 輪轮 齒齿 閥阀 鍋锅 爐炉 儲储 備备 鏈链 監监 螢萤 達达 鏡镜
  療疗 診诊 斷断 細细 臟脏 腎肾 膚肤 癒愈 農农 種种 穀谷 麥麦 豐丰 漁渔 飼饲 養养 獸兽 蟲虫 園园 綠绿
  語语 義义 類类 聯联 換换 碼码 編编 譯译 圖图 錄录 寬宽 帶带 無无 驅驱 觸触 鍵键 鎖锁 觀观 覽览 覺觉
  國国 區区 會会 為为 爲为 個个 們们 來来 時时 對对 這这 說说 經经 過过 還还 進进 問问 題题 長长 東东
  從从 現现 將将 當当 後后 裡里 裏里 麼么 間间 點点 樣样 頭头 見见 門门 話话 識识 師师 員员 應应 際际
  總总 結结 構构 係系 繫系 務务 則则 劃划 畫画 報报 記记 議议 論论 調调 歷历 曆历 陳陈 廣广 場场 縣县
  鄉乡 鎮镇 莊庄 樓楼 廳厅 館馆 團团 組组 協协 辦办 領领 齊齐 參参 興兴 舉举 環环 護护 節节 約约 減减
  淨净 潔洁 汙污 廢废 棄弃 億亿 萬万 兩两 倆俩 錢钱 貴贵 賤贱 獎奖 勵励 勞劳 職职 稱称 級级 階阶 條条
  確确 創创 勢势 態态 狀状 況况 擴扩 張张 縮缩 強强 彈弹 簡简 單单 雙双 雜杂 難难 鄰邻 齡龄 馬马 魚鱼
  鳥鸟 龍龙 紅红 藍蓝 黃黄 顏颜 靈灵 隊队 訓训 練练 獲获 穫获 礎础 碩硕 慶庆 華华 灣湾 臺台 颱台 檯台
  陝陕 遼辽 寧宁 閩闽 贛赣 滬沪 魯鲁 粵粤 瓊琼 蘭兰 烏乌 漢汉 蘇苏 於于 並并 併并 佈布 週周 隻只 餘余
  麵面 幹干 眾众 衆众 歲岁 歸归 聖圣 麗丽 舊旧 亂乱 僅仅 傷伤 償偿 勁劲 卻却 厲厉 嚴严 圍围 壞坏 墾垦
  壘垒 壩坝 奮奋 婦妇 孫孙 寶宝 審审 屬属 島岛 峽峡 彙汇 匯汇 徵征 憶忆 懸悬 戰战 戲戏 戶户 擊击 擔担
  擇择 擁拥 擬拟 擾扰 攝摄 敵敌 晝昼 暢畅 曉晓 暫暂 極极 樞枢 橫横 檔档 櫃柜 歡欢 殘残 殼壳 決决 沒没
  溝沟 滅灭 滯滞 滿满 漲涨 濃浓 濟济 濾滤 瀏浏 災灾 煙烟 燈灯 燒烧 爭争 獨独 畢毕 異异 盤盘 盡尽 儘尽
  盜盗 禮礼 禦御 離离 穩稳 積积 築筑 簽签 籤签 糧粮 紀纪 純纯 紙纸 終终 給给 絕绝 綜综 綱纲 緊紧 緣缘
  績绩 繼继 續续 罰罚 習习 聞闻 聽听 脅胁 臨临 藝艺 葉叶 蒼苍 蓋盖 衝冲 補补 訂订 討讨 訴诉 詩诗 該该
  詳详 誌志 誤误 課课 談谈 請请 諮咨 諾诺 謀谋 講讲 謝谢 譜谱 讀读 讚赞 贊赞 貝贝 負负 責责 販贩 貧贫
  賓宾 賞赏 賠赔 賴赖 賺赚 贈赠 贏赢 趕赶 趨趋 跡迹 蹟迹 踐践 軍军 載载 輔辅 輕轻 轄辖 邊边 違违
  遠远 適适 遷迁 選选 遺遗 邏逻 輯辑 郵邮 釋释 針针 釣钓 鈕钮 鋪铺 錯错 鐘钟 鍾钟 閉闭 閒闲 閘闸 閱阅
  闡阐 陣阵 陰阴 陸陆 陽阳 隨随 隱隐 雞鸡 霧雾 靜静 頁页 項项 順顺 須须 預预 願愿 顧顾 風风 飲饮 飾饰
  駐驻 鬆松 鬥斗 鮮鲜 親亲 愛爱 筆笔 書书 寫写 兒儿 幾几 鄭郑 鄧邓 遲迟 邁迈 遞递 憑凭 雖虽
  裝装 塊块 內内 連连 輻辐 饋馈 繞绕 堅坚 貫贯 貢贡 獻献 競竞 籌筹 啟启 遊游 圓圆 揮挥 撐撑 訪访 躍跃
  賦赋 繪绘 鋒锋 錨锚 佔占 潛潜 徑径 掛挂 牽牵 樂乐 紹绍 敗败 鞏巩 執执 腳脚 兌兑 黨党 屆届 悅悦 擺摆
  羅罗 別别 壽寿 孿孪 鏽锈 遙遥 榮荣 溼湿 損损 剎刹 掃扫 託托 紮扎
`;

function parsePairs(pairs: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of pairs.split(/\s+/)) {
    const [from, to] = [...pair];
    if (from && to) map.set(from, to);
  }
  return map;
}

/** Traditional → simplified, one character to one character. Exported for its tests. */
export const TRADITIONAL_TO_SIMPLIFIED: ReadonlyMap<string, string> = parsePairs(TRADITIONAL_PAIRS);
/** Whether each character of the basic CJK block (U+4E00–U+9FFF) is a traditional one we simplify: the snippets' fast path. */
const TRADITIONAL_IN_BASIC_BLOCK = new Uint8Array(0xa000 - 0x4e00);
for (const ch of TRADITIONAL_TO_SIMPLIFIED.keys()) {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x4e00 && cp <= 0x9fff) TRADITIONAL_IN_BASIC_BLOCK[cp - 0x4e00] = 1;
}

const COMBINING_MARK = /^\p{M}$/u;
/** Invisible format characters (zero-width space, BOM, LRM, soft hyphen…) that pasted text carries inside words. */
const FORMAT_CHAR = /^\p{Cf}$/u;
const SPACE_OR_CONTROL = /^[\s\p{Cc}]$/u;

/**
 * One character of display text: a code point with the combining marks after it (so that NFKC can
 * compose `e` + U+0301), or one collapsed run of whitespace (`' '`). `start`/`end` index the input.
 */
interface DisplayUnit {
  text: string;
  start: number;
  end: number;
}

/**
 * Whether a character belongs to the unit before it: combining marks, and the half-width (sound)
 * marks ﾞﾟ that NFKC turns into combining ones (ﾊﾟ → パ).
 */
function isAttached(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x300 || (cp >= 0x3400 && cp <= 0x9fff)) return false;
  return cp === 0xff9e || cp === 0xff9f || COMBINING_MARK.test(ch);
}

/** Splits input into display units: format characters dropped, whitespace runs collapsed and trimmed. */
function displayUnits(input: string): DisplayUnit[] {
  const units: DisplayUnit[] = [];
  let i = 0;
  while (i < input.length) {
    const cp = input.codePointAt(i)!;
    const ch = cp > 0xffff ? String.fromCodePoint(cp) : input[i];
    const next = i + ch.length;
    const plain = (cp > 0x20 && cp < 0x7f) || (cp >= 0x4e00 && cp <= 0x9fff);
    if (!plain && cp >= 0x80 && FORMAT_CHAR.test(ch)) {
      i = next;
      continue;
    }
    if (!plain && (cp <= 0x20 || cp === 0x7f || (cp >= 0x80 && SPACE_OR_CONTROL.test(ch)))) {
      const last = units[units.length - 1];
      if (last?.text === ' ') last.end = next;
      else if (last) units.push({ text: ' ', start: i, end: next });
      i = next;
      continue;
    }
    let end = next;
    while (end < input.length) {
      const following = input.codePointAt(end)!;
      const mark = following > 0xffff ? String.fromCodePoint(following) : input[end];
      if (!isAttached(mark)) break;
      end += mark.length;
    }
    units.push({ text: input.slice(i, end), start: i, end });
    i = end;
  }
  if (units[units.length - 1]?.text === ' ') units.pop();
  return units;
}

/** Chinese punctuation that NFKC leaves alone: the common case off the slow path. */
const STABLE_PUNCTUATION = new Set('、。“”‘’《》〈〉「」『』【】〔〕—·');
const STABLE_PUNCTUATION_CODES = new Set([...STABLE_PUNCTUATION].map((ch) => ch.charCodeAt(0)));

/** The normalised form of one display unit: NFKC, lower case, traditional → simplified. */
function normalizeUnit(text: string): string {
  const cp = text.charCodeAt(0);
  // Fast paths: printable ASCII and the basic CJK block are already NFKC (the bulk of the text).
  if (text.length === 1 && cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : text;
  if (text.length === 1 && cp >= 0x4e00 && cp <= 0x9fff) return TRADITIONAL_TO_SIMPLIFIED.get(text) ?? text;
  if (text.length === 1 && STABLE_PUNCTUATION.has(text)) return text;
  // Full-width ASCII is ASCII shifted by U+FEE0 (what NFKC does, without its cost).
  if (text.length === 1 && cp >= 0xff01 && cp <= 0xff5e) return String.fromCharCode(cp - 0xfee0).toLowerCase();
  // NFKC folds full-width ASCII (Ｆ１２ａ，！), U+3000, half-width katakana, circled digits,
  // CJK compatibility ideographs and Kangxi radicals pasted from PDFs.
  let out = '';
  for (const ch of text.normalize('NFKC').toLowerCase()) {
    out += TRADITIONAL_TO_SIMPLIFIED.get(ch) ?? (SPACE_OR_CONTROL.test(ch) ? ' ' : ch);
  }
  return out;
}

/** One character of normalised text and the display unit it came from. */
interface NormalizedChar {
  ch: string;
  unit: number;
}

function normalizedChars(units: DisplayUnit[]): NormalizedChar[] {
  const out: NormalizedChar[] = [];
  for (let unit = 0; unit < units.length; unit++) {
    const text = units[unit].text;
    for (const ch of text === ' ' ? ' ' : normalizeUnit(text)) {
      // NFKC can itself produce spaces (U+00A8 → ' ̈'): collapse them with the rest.
      if (ch === ' ' && (out.length === 0 || out[out.length - 1].ch === ' ')) continue;
      out.push({ ch, unit });
    }
  }
  while (out.length && out[out.length - 1].ch === ' ') out.pop();
  return out;
}

/**
 * The form that is indexed and queried: NFKC (full-width ASCII → half-width, U+3000 → space, …),
 * Latin lower-cased, common traditional characters simplified (體→体, 矽→硅), zero-width characters
 * removed, whitespace collapsed to single spaces and trimmed. Idempotent.
 */
export function normalizeText(input: string): string {
  let out = '';
  for (const { ch } of normalizedChars(displayUnits(input))) out += ch;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/** Han (with 々, 〇 and the other ideographic marks) and kana: written without spaces between words. */
const CJK_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc]$/u;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

/** Longer Latin/digit runs (hashes, run-together strings) are cut to this many characters, in text and query alike. */
export const MAX_WORD_LENGTH = 64;

type CharKind = 'cjk' | 'word' | 'space' | 'other';

function charKind(ch: string): CharKind {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) {
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a)) return 'word';
    return cp === 0x20 ? 'space' : 'other';
  }
  if (cp >= 0x4e00 && cp <= 0x9fff) return 'cjk';
  if (CJK_CHAR.test(ch)) return 'cjk';
  if (WORD_CHAR.test(ch)) return 'word';
  return SPACE_OR_CONTROL.test(ch) ? 'space' : 'other';
}

/** A run of CJK characters (one position each) or one Latin/digit word (one position). */
interface Run {
  kind: 'cjk' | 'word';
  /** CJK: the characters; word: one element, the (cut) word. */
  chars: string[];
  position: number;
  /** Word only: the word went on past MAX_WORD_LENGTH or past the end of a cut query. */
  cut?: boolean;
}

/**
 * Splits normalised text into runs; positions count CJK characters and words, not separators.
 * In a document, a single space between two CJK characters does not end the run: it is a line
 * break of pasted or vertically set text (创新\n中心), not a word boundary. In a query, a space
 * separates terms, as users type them (碳化硅 功率).
 */
function runsOf(normalized: string, mode: 'document' | 'query'): { runs: Run[]; units: number } {
  const runs: Run[] = [];
  let position = 0;
  let cjk: Run | undefined;
  let word: string[] | undefined;
  let pendingSpace = false;
  const endWord = () => {
    if (!word) return;
    runs.push({ kind: 'word', chars: [word.slice(0, MAX_WORD_LENGTH).join('')], position: position++, cut: word.length > MAX_WORD_LENGTH });
    word = undefined;
  };
  for (const ch of normalized) {
    const kind = charKind(ch);
    if (kind === 'word') {
      cjk = undefined;
      (word ??= []).push(ch);
      continue;
    }
    endWord();
    if (kind === 'cjk') {
      if (!cjk || (pendingSpace && mode === 'query')) {
        cjk = { kind: 'cjk', chars: [], position };
        runs.push(cjk);
      }
      cjk.chars.push(ch);
      position++;
      pendingSpace = false;
    } else if (kind === 'space' && cjk) {
      pendingSpace = true;
    } else {
      cjk = undefined;
      pendingSpace = false;
    }
  }
  endWord();
  return { runs, units: position };
}

export interface PositionedToken {
  token: string;
  /** 0-based index, in the text, of the CJK character or word the token starts at (separators are not counted). */
  position: number;
}

function positionedTokens(runs: Run[]): PositionedToken[] {
  const out: PositionedToken[] = [];
  for (const run of runs) {
    if (run.kind === 'word') {
      out.push({ token: run.chars[0], position: run.position });
      continue;
    }
    const { chars } = run;
    for (let i = 0; i < chars.length; i++) {
      out.push({ token: chars[i], position: run.position + i });
      if (i + 1 < chars.length) out.push({ token: chars[i] + chars[i + 1], position: run.position + i });
    }
  }
  return out;
}

/**
 * Every token of the (normalised) text with its position, in text order, duplicates kept: each CJK
 * character's unigram then its bigram with the next character, each word whole.
 */
export function tokenizeWithPositions(text: string): PositionedToken[] {
  return positionedTokens(runsOf(normalizeText(text), 'document').runs);
}

/** The distinct tokens to index, in order of first occurrence (duplicates removed). */
export function tokenize(text: string): string[] {
  return [...new Set(tokenizeWithPositions(text).map((t) => t.token))];
}

// ---------------------------------------------------------------------------------------------
// tsvector and tsquery
// ---------------------------------------------------------------------------------------------

/** PostgreSQL's limits: positions 1..16383 (MAXENTRYPOS), 256 positions per lexeme (MAXNUMPOS). */
export const MAX_TSVECTOR_POSITION = 16383;
export const MAX_POSITIONS_PER_LEXEME = 256;
/** Positions skipped between two fields, so no `<->` ever joins the end of one field to the next. */
const FIELD_GAP = 1;
/** PostgreSQL refuses a tsvector whose lexemes and positions pass 1 MB (MAXSTRPOS); stop short of it. */
const TSVECTOR_BYTE_BUDGET = 1_000_000;

export type TsWeight = 'A' | 'B' | 'C' | 'D';

export interface WeightedText {
  text: string;
  weight: TsWeight;
}

const NEEDS_ESCAPE = /['\\]/;

/** A lexeme quoted for tsvector/tsquery input: backslashes and single quotes escaped. */
function quoteLexeme(token: string): string {
  return NEEDS_ESCAPE.test(token) ? `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${token}'`;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * A tsvector literal (`'碳化':1A,9B 'mems':4A`) over several fields, for `$1::tsvector`. Positions
 * run on across fields in the order given (title first, so it keeps exact positions if a long
 * summary reaches PostgreSQL's limit), with a gap between fields. Positions past 16383 are clamped
 * as PostgreSQL would clamp them (phrases there can no longer be told apart, single terms still
 * match), at most 256 positions are kept per lexeme, and new lexemes stop before the 1 MB limit.
 * Weight D is written without a letter, as PostgreSQL prints it. Empty text gives `''`.
 */
export function toTsvectorLiteral(weighted: readonly WeightedText[]): string {
  // Positions are appended to each lexeme's text as they come: this runs for every listing saved.
  const lexemes = new Map<string, { positions: string; count: number; last: number }>();
  let bytes = 0;
  let offset = 1;
  let suffix = '';
  const add = (token: string, position: number) => {
    const at = Math.min(offset + position, MAX_TSVECTOR_POSITION);
    const entry = lexemes.get(token);
    if (!entry) {
      const size = utf8Length(token) + 1 /* alignment */ + 2 /* position count */ + 2;
      if (bytes + size > TSVECTOR_BYTE_BUDGET) return;
      bytes += size;
      lexemes.set(token, { positions: `${at}${suffix}`, count: 1, last: at });
      return;
    }
    if (entry.last === at || entry.count >= MAX_POSITIONS_PER_LEXEME || bytes + 2 > TSVECTOR_BYTE_BUDGET) return;
    bytes += 2;
    entry.positions += `,${at}${suffix}`;
    entry.count++;
    entry.last = at;
  };
  for (const { text, weight } of weighted) {
    const { runs, units } = runsOf(normalizeText(text), 'document');
    if (units === 0) continue;
    suffix = weight === 'D' ? '' : weight;
    for (const run of runs) {
      const { chars, position } = run;
      if (run.kind === 'word') {
        add(chars[0], position);
        continue;
      }
      for (let i = 0; i < chars.length; i++) {
        add(chars[i], position + i);
        if (i + 1 < chars.length) add(chars[i] + chars[i + 1], position + i);
      }
    }
    offset = Math.min(offset + units + FIELD_GAP, MAX_TSVECTOR_POSITION);
  }
  let literal = '';
  for (const [token, { positions }] of lexemes) literal += `${literal ? ' ' : ''}${quoteLexeme(token)}:${positions}`;
  return literal;
}

/** At most this many lexemes in one tsquery; a longer query is cut to a (weaker) prefix of it. */
export const MAX_QUERY_LEXEMES = 64;
/** Only the start of a very long query string is read. */
const MAX_QUERY_INPUT = 256;
/** Latin words of this many characters or more, ending in a letter, match as prefixes (`sens` → `sensor`). */
const PREFIX_MIN_LENGTH = 3;

/** The parsed query: AND of terms; `text` is what highlightSnippet looks for. */
interface QueryTerm {
  kind: 'cjk' | 'word';
  text: string;
  prefix: boolean;
  tsquery: string;
}

function queryTerms(query: string): QueryTerm[] {
  const capped = query.length > MAX_QUERY_INPUT ? query.slice(0, MAX_QUERY_INPUT) : query;
  const { runs } = runsOf(normalizeText(capped), 'query');
  // The cap may have cut the last word in two: let what is left of it match as a prefix.
  const last = runs[runs.length - 1];
  if (capped !== query && last?.kind === 'word') last.cut = true;
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  let budget = MAX_QUERY_LEXEMES;
  for (const run of runs) {
    if (budget === 0) break;
    let term: QueryTerm;
    let cost = 1;
    if (run.kind === 'word') {
      const word = run.chars[0];
      const prefix = run.cut === true || ([...word].length >= PREFIX_MIN_LENGTH && /\p{L}$/u.test(word));
      term = { kind: 'word', text: word, prefix, tsquery: quoteLexeme(word) + (prefix ? ':*' : '') };
    } else if (run.chars.length === 1) {
      term = { kind: 'cjk', text: run.chars[0], prefix: false, tsquery: quoteLexeme(run.chars[0]) };
    } else {
      // A run longer than the budget keeps its first bigrams: a shorter phrase, implied by the whole.
      cost = Math.min(run.chars.length - 1, budget);
      const chars = run.chars.slice(0, cost + 1);
      const phrase: string[] = [];
      for (let i = 0; i < cost; i++) phrase.push(quoteLexeme(chars[i] + chars[i + 1]));
      term = { kind: 'cjk', text: chars.join(''), prefix: false, tsquery: cost === 1 ? phrase[0] : `(${phrase.join(' <-> ')})` };
    }
    if (seen.has(term.tsquery)) continue;
    seen.add(term.tsquery);
    terms.push(term);
    budget -= cost;
  }
  return terms;
}

/**
 * The tsquery for a user's search box, for `$1::tsquery` (it also reads the same through
 * `to_tsquery('simple', …)`), or null when the query has nothing to search for.
 *
 *   碳化硅          → ('碳化' <-> '化硅')
 *   碳              → '碳'
 *   MEMS传感器       → 'mems':* & ('传感' <-> '感器')
 *   5G 碳化矽 iso9001 → '5g' & ('碳化' <-> '化硅') & 'iso9001'
 *
 * Terms (CJK runs, words) are ANDed, so `MEMS传感器` also finds `MEMS压力传感器`. Words of 3+
 * characters ending in a letter match as prefixes; digits and short words (`5g`, `ai`) match
 * exactly. Operators typed by the user (& | ! ( ) : * quotes) are only separators. Duplicate terms
 * are dropped and the whole query is held to 64 lexemes.
 */
export function toTsquery(query: string): string | null {
  const terms = queryTerms(query);
  return terms.length ? terms.map((t) => t.tsquery).join(' & ') : null;
}

/**
 * The lexemes a row must hold for the query to match it, as they are stored: the bigrams of each
 * CJK run (or its one character) and each exact word. Prefix words are left out: they stand for
 * many lexemes. Search uses them to judge how common the query is.
 */
export function queryLexemes(query: string): string[] {
  const lexemes: string[] = [];
  for (const term of queryTerms(query)) {
    if (term.kind === 'word') {
      if (!term.prefix) lexemes.push(term.text);
    } else {
      const chars = [...term.text];
      if (chars.length === 1) lexemes.push(chars[0]);
      for (let i = 0; i + 1 < chars.length; i++) lexemes.push(chars[i] + chars[i + 1]);
    }
  }
  return lexemes;
}

// ---------------------------------------------------------------------------------------------
// Snippets
// ---------------------------------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);

/**
 * A short, HTML-safe snippet of `text` (at most `maxLength` characters of it, whitespace collapsed)
 * around the first match of the query's terms, with every match in the window wrapped in
 * `<em>…</em>` and `…` where the text was cut. Matching uses the same normalisation as search, so
 * a `碳化矽` query highlights `碳化硅`; the snippet shows the text as written. With no match it is
 * the start of the text.
 */
export function highlightSnippet(text: string, query: string, maxLength = 80): string {
  return snippetHighlighter(query, maxLength)(text);
}

/** highlightSnippet for one query over many texts (a page of hits): the query is parsed once. */
export function snippetHighlighter(query: string, maxLength = 80): (text: string) => string {
  const limit = Math.max(1, Math.floor(maxLength));
  const terms = queryTerms(query);
  const longest = Math.max(0, ...terms.map((t) => t.text.length));
  return (text) => {
    // The first match of a long text is usually near its start: try the start alone, and settle
    // for it when the whole window, plus room for any longer match that could start earlier, lies inside it.
    if (text.length > SNIPPET_FIRST_LOOK) {
      const cut = SNIPPET_FIRST_LOOK - (isHighSurrogate(text.charCodeAt(SNIPPET_FIRST_LOOK - 1)) ? 1 : 0);
      const early = snippetOf(text.slice(0, cut), terms, limit);
      if (early.found && early.end + longest + 1 < early.units) return early.html;
    }
    return snippetOf(text, terms, limit).html;
  };
}

/** How much of a long text highlightSnippet reads first. */
const SNIPPET_FIRST_LOOK = 512;
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Text prepared for a snippet: its display units, and the normalised haystack that queries are found in. */
interface SnippetSource {
  /** Display units, or null when every UTF-16 unit of the text is one (the plain case). */
  units: DisplayUnit[] | null;
  count: number;
  haystack: string;
  /** The display unit of each UTF-16 unit of the haystack, or null when it is the same index. */
  unitAt: number[] | null;
}

/**
 * The common case of search results, without a DisplayUnit per character: every UTF-16 unit is
 * printable ASCII, a character of the basic CJK block, full-width ASCII or stable punctuation,
 * each of which normalises to one unit, with at most single spaces that neither path would drop.
 * Null when the text needs the general path; both give the same snippets (chinese-text.spec.ts).
 */
function plainSource(text: string): SnippetSource | null {
  // First only check, on char codes: most texts need no change at all, and then are their own haystack.
  let changes = false;
  for (let i = 0; i < text.length; i++) {
    const cp = text.charCodeAt(i);
    if (cp > 0x20 && cp < 0x7f) changes ||= cp >= 0x41 && cp <= 0x5a;
    else if (cp >= 0x4e00 && cp <= 0x9fff) changes ||= TRADITIONAL_IN_BASIC_BLOCK[cp - 0x4e00] === 1;
    else if (cp >= 0xff01 && cp <= 0xff5e) changes = true;
    else if (cp === 0x20 && i > 0 && i < text.length - 1 && text.charCodeAt(i + 1) !== 0x20) {
      // The general path drops a space between two wide characters (from the haystack or the snippet).
      if (text.charCodeAt(i - 1) >= 0x2e80 && text.charCodeAt(i + 1) >= 0x2e80) return null;
    } else if (!STABLE_PUNCTUATION_CODES.has(cp)) return null;
  }
  let haystack = text;
  if (changes) {
    haystack = '';
    for (let i = 0; i < text.length; i++) {
      const cp = text.charCodeAt(i);
      if (cp >= 0x41 && cp <= 0x5a) haystack += String.fromCharCode(cp + 32);
      else if (cp >= 0xff01 && cp <= 0xff5e) haystack += String.fromCharCode(cp - 0xfee0).toLowerCase();
      else if (cp >= 0x4e00 && cp <= 0x9fff && TRADITIONAL_IN_BASIC_BLOCK[cp - 0x4e00]) haystack += TRADITIONAL_TO_SIMPLIFIED.get(text[i])!;
      else haystack += text[i];
    }
  }
  return { units: null, count: text.length, haystack, unitAt: null };
}

function generalSource(text: string): SnippetSource {
  const units = displayUnits(text);
  const chars = normalizedChars(units);
  // Spaces between CJK characters are dropped, as the document tokeniser bridges them.
  let haystack = '';
  const unitAt: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const { ch, unit } = chars[i];
    if (ch === ' ' && isCjkAt(chars, i - 1) && isCjkAt(chars, i + 1)) continue;
    haystack += ch;
    unitAt.push(unit);
    if (ch.length === 2) unitAt.push(unit);
  }
  return { units, count: units.length, haystack, unitAt };
}

function snippetOf(text: string, terms: QueryTerm[], limit: number): { html: string; found: boolean; end: number; units: number } {
  const { units, count, haystack, unitAt } = plainSource(text) ?? generalSource(text);
  const unitOf = (i: number) => (unitAt ? unitAt[i] : i);
  // A unit's text as written (one collapsed ' ' for a run of whitespace).
  const unitText = (u: number) => (units ? units[u].text : text[u]);
  const wordAt = (i: number) => i >= 0 && i < haystack.length && charKind(String.fromCodePoint(haystack.codePointAt(i)!)) === 'word';
  const wordBefore = (i: number) => wordAt(i >= 2 && /[\udc00-\udfff]/.test(haystack[i - 1]) ? i - 2 : i - 1);

  const matches: [number, number][] = []; // in display units, end exclusive
  for (const term of terms) {
    for (let i = haystack.indexOf(term.text); i !== -1; i = haystack.indexOf(term.text, i + 1)) {
      let end = i + term.text.length;
      if (term.kind === 'word') {
        if (wordBefore(i)) continue;
        if (wordAt(end) && !term.prefix) continue;
        while (wordAt(end)) end += haystack.codePointAt(end)! > 0xffff ? 2 : 1;
      }
      matches.push([unitOf(i), unitOf(end - 1) + 1]);
    }
  }
  matches.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  let start = 0;
  if (matches.length) {
    const [first, firstEnd] = matches[0];
    const context = Math.max(0, limit - (firstEnd - first));
    start = Math.max(0, first - Math.floor(context / 3));
  }
  const end = Math.min(count, start + limit);
  start = Math.max(0, Math.min(start, end - limit));

  let from = start;
  let to = end;
  // Do not open or close on the space of a cut.
  while (from < to && unitText(from) === ' ') from++;
  while (to > from && unitText(to - 1) === ' ') to--;
  const isWide = (u: number) => u >= 0 && u < count && unitText(u).codePointAt(0)! >= 0x2e80;
  /** Units [a, b) as shown; a line break inside Chinese text (创新\n中心) is layout, not a space: none is shown. */
  const shown = (a: number, b: number): string => {
    if (!units) return text.slice(a, b);
    let out = '';
    for (let u = a; u < b; u++) out += units[u].text !== ' ' ? units[u].text : isWide(u - 1) && isWide(u + 1) ? '' : ' ';
    return out;
  };
  let out = from > 0 ? '…' : '';
  let at = from;
  // Overlapping or touching matches make one highlight.
  for (let i = 0; i < matches.length;) {
    let [a, b] = matches[i++];
    while (i < matches.length && matches[i][0] <= b) b = Math.max(b, matches[i++][1]);
    a = Math.max(a, at);
    b = Math.min(b, to);
    if (a >= b) continue;
    out += `${escapeHtml(shown(at, a))}<em>${escapeHtml(shown(a, b))}</em>`;
    at = b;
  }
  out += escapeHtml(shown(at, to));
  return { html: out + (to < count ? '…' : ''), found: matches.length > 0, end, units: count };
}

function isCjkAt(chars: NormalizedChar[], i: number): boolean {
  return i >= 0 && i < chars.length && charKind(chars[i].ch) === 'cjk';
}
