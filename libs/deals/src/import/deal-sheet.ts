import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { FIELD_SEEDS } from '#yizhi/fields';
import { DEAL_CATEGORY_NAMES, DealCategory } from '../deal-status.js';
import type { SpooledFile } from './multipart-form.js';

/** The columns of a deals sheet, by their API names. */
export type SheetColumn =
  | 'title'
  | 'category'
  | 'contractAmount'
  | 'techTransactionAmount'
  | 'signedAt'
  | 'seller'
  | 'sellerCreditCode'
  | 'buyer'
  | 'buyerCreditCode'
  | 'registrationNo'
  | 'field';

/** Each column's Chinese header (as the registration forms print it) and English one. */
export const SHEET_COLUMNS: readonly { column: SheetColumn; chinese: string; required: boolean }[] = [
  { column: 'title', chinese: '合同名称', required: false },
  { column: 'category', chinese: '合同类型', required: true },
  { column: 'contractAmount', chinese: '合同成交额(元)', required: true },
  { column: 'techTransactionAmount', chinese: '技术交易额(元)', required: true },
  { column: 'signedAt', chinese: '签订日期', required: true },
  { column: 'seller', chinese: '卖方', required: true },
  { column: 'sellerCreditCode', chinese: '卖方统一社会信用代码', required: true },
  { column: 'buyer', chinese: '买方', required: true },
  { column: 'buyerCreditCode', chinese: '买方统一社会信用代码', required: true },
  { column: 'registrationNo', chinese: '登记编号', required: false },
  { column: 'field', chinese: '技术领域', required: true },
];

/** A header as people type it: full-width brackets and spaces, "（元）" or "(元)", case. */
const headerKey = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();

const HEADERS: ReadonlyMap<string, SheetColumn> = new Map(
  SHEET_COLUMNS.flatMap(({ column, chinese }) => [
    [headerKey(chinese), column],
    [headerKey(chinese.replace('(元)', '')), column],
    [headerKey(column), column],
  ]),
);

export class SheetError extends Error {}

/** One data row: its spreadsheet row number (the header is row 1) and its cells by column. */
export interface SheetRow {
  row: number;
  cells: Partial<Record<SheetColumn, string>>;
}

/** Whether the file is a zip, as an XLSX workbook is. */
const isXlsx = (head: Buffer) => head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;

/** An XLSX cell as the text a person typed: dates as YYYY-MM-DD, numbers as written. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
  }
  return String(value);
}

/** The first worksheet's rows, read as a stream (shared strings and styles are cached, the rows are not). */
async function* xlsxRows(path: string): AsyncGenerator<string[]> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  let worksheets = 0;
  try {
    for await (const worksheet of workbook) {
      worksheets++;
      let next = 1;
      for await (const row of worksheet) {
        // Blank rows are not in the file: keep the numbering of the sheet people see.
        for (; next < row.number; next++) yield [];
        next = row.number + 1;
        yield (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
      }
      return;
    }
  } catch (error) {
    if (error instanceof SheetError) throw error;
    throw new SheetError('file is not a readable XLSX workbook');
  }
  if (!worksheets) throw new SheetError('the workbook has no worksheet');
}

/** A row longer than this is not a deals row: the file is refused rather than read as one giant cell. */
const CSV_MAX_RECORD_CHARS = 64 * 1024;

/**
 * A CSV file's rows: UTF-8 with or without a BOM, else GBK (what Excel in China saves a "CSV" as).
 * The encoding was decided while the file was received (SpooledFile.utf8), so it is read once.
 */
async function* csvRows(file: SpooledFile): AsyncGenerator<string[]> {
  const parser = createReadStream(file.path)
    .pipe(iconv.decodeStream(file.utf8 ? 'utf8' : 'gbk'))
    .pipe(parse({ relax_column_count: true, skip_empty_lines: false, trim: false, max_record_size: CSV_MAX_RECORD_CHARS }));
  try {
    for await (const record of parser) yield record as string[];
  } catch (error) {
    throw new SheetError(`file is not readable CSV: ${(error as Error).message}`);
  }
}

/**
 * The sheet's data rows, one at a time (blank ones skipped), mapped by its header row; problems
 * with the file itself are thrown as SheetError (a 400) when they are met.
 */
export async function* readDealSheet(file: SpooledFile): AsyncGenerator<SheetRow> {
  let columns: (SheetColumn | undefined)[] | undefined;
  let number = 0;
  let deals = 0;
  for await (const cells of isXlsx(file.head) ? xlsxRows(file.path) : csvRows(file)) {
    number++;
    if (!columns) {
      columns = cells.map((text) => HEADERS.get(headerKey(text)));
      const missing = SHEET_COLUMNS.filter((c) => c.required && !columns!.includes(c.column)).map((c) => c.chinese);
      if (missing.length) throw new SheetError(`file lacks the column(s) ${missing.join(', ')}`);
      continue;
    }
    if (cells.every((cell) => cell.trim() === '')) continue;
    const row: SheetRow = { row: number, cells: {} };
    cells.forEach((cell, c) => {
      const column = columns![c];
      if (column) row.cells[column] = cell.trim();
    });
    deals++;
    yield row;
  }
  if (!columns) throw new SheetError('file is empty: it needs a header row and at least one deal');
  if (!deals) throw new SheetError('file has a header row but no deals');
}

// ---------------------------------------------------------------- values as people type them

const CATEGORIES: ReadonlyMap<string, DealCategory> = new Map(
  Object.values(DealCategory).flatMap((code) => [
    [code, code],
    [DEAL_CATEGORY_NAMES[code], code],
    [DEAL_CATEGORY_NAMES[code].replace(/^技术/, ''), code],
    [`${DEAL_CATEGORY_NAMES[code]}合同`, code],
  ]),
);

/** 技术开发 / 开发 / development → development; anything else is returned as typed, for the validator to refuse. */
export const categoryOf = (text: string) => CATEGORIES.get(text.normalize('NFKC').trim().toLowerCase()) ?? text;

const FIELDS: ReadonlyMap<string, string> = new Map(
  FIELD_SEEDS.flatMap((f) => [
    [f.code, f.code],
    [f.name, f.code],
  ]),
);

/** A field by its Chinese name or its code. */
export const fieldOf = (text: string) => FIELDS.get(text.normalize('NFKC').trim().toLowerCase()) ?? FIELDS.get(text.trim()) ?? text;

/** 2026-05-01, 2026/5/1, 2026.5.1 or 2026年5月1日 → 2026-05-01; anything else as typed. */
export function dateOf(text: string): string {
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.normalize('NFKC').trim());
  if (!match) return text;
  return `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
}

/** An amount with thousands separators (1,500,000.00 or 1，500，000) → 1500000.00; the JSON API refuses separators, a sheet does not. */
export function amountOf(text: string): string {
  const plain = text
    .normalize('NFKC')
    .trim()
    .replace(/^[¥￥]/, '');
  return /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain) ? plain.replace(/,/g, '') : plain;
}
