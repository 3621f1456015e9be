import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { csvLine, fenText, UTF8_BOM } from '#yizhi/core';
import { DEAL_CATEGORY_NAMES, type DealCategory } from '../deal-status.js';
import { SHEET_COLUMNS } from './deal-sheet.js';

/** A deal as a sheet row: the import's columns (so an export imports again), then what only the ledger knows. */
export interface ExportRow {
  id: string;
  title: string | null;
  category: DealCategory;
  contractFen: string;
  techFen: string;
  receivedFen: string;
  signedAt: string;
  seller: string;
  sellerCreditCode: string;
  buyer: string;
  buyerCreditCode: string;
  registrationNo: string | null;
  field: string;
  fieldName: string;
  baseName: string;
  status: string;
  verification: string;
  /** Keyset of the export's order (signed_at, created_at, id), for the next batch. */
  createdAt: string;
}

/**
 * The columns 技术合同登记 asks for that the import does not read, then the ledger's own. Party
 * types and region codes come from the 统一社会信用代码 itself (GB 32100-2015): its first two
 * characters are the registering authority and the kind of organisation, characters 3–8 the
 * administrative division code (行政区划代码) of where it is registered.
 */
const EXTRA = [
  '合同类型代码',
  '卖方类型',
  '卖方所在地区代码',
  '买方类型',
  '买方所在地区代码',
  '技术领域代码',
  '实际到账(元)',
  '基地',
  '状态',
  '核验',
  '编号',
] as const;
export const EXPORT_HEADERS = [...SHEET_COLUMNS.map((c) => c.chinese), ...EXTRA];

/** The kind of party, by the credit code's registering authority and organisation class. */
const PARTY_TYPES: Readonly<Record<string, string>> = {
  '11': '机关法人',
  '12': '事业单位法人',
  '13': '群众团体',
  '19': '其他机构编制单位',
  '51': '社会团体法人',
  '52': '民办非企业单位',
  '53': '基金会',
  '59': '其他社会组织',
  '91': '企业法人',
  '92': '个体工商户',
  '93': '农民专业合作社',
};

export const partyType = (creditCode: string): string => PARTY_TYPES[creditCode.slice(0, 2)] ?? '其他';

/** The administrative division code a credit code was issued under (characters 3–8), if it is one. */
export const regionCode = (creditCode: string): string | null => {
  const code = creditCode.slice(2, 8);
  return /^[1-8]\d{5}$/.test(code) ? code : null;
};

/** Fen (as PostgreSQL prints a bigint) as yuan text with two decimals, exactly. */
const yuan = (fen: string) => fenText(BigInt(fen));

function cells(row: ExportRow): (string | null)[] {
  const byColumn: Record<string, string | null> = {
    title: row.title,
    category: DEAL_CATEGORY_NAMES[row.category],
    contractAmount: yuan(row.contractFen),
    techTransactionAmount: yuan(row.techFen),
    signedAt: row.signedAt,
    seller: row.seller,
    sellerCreditCode: row.sellerCreditCode,
    buyer: row.buyer,
    buyerCreditCode: row.buyerCreditCode,
    registrationNo: row.registrationNo,
    field: row.fieldName,
  };
  return [
    ...SHEET_COLUMNS.map((c) => byColumn[c.column]),
    row.category,
    partyType(row.sellerCreditCode),
    regionCode(row.sellerCreditCode),
    partyType(row.buyerCreditCode),
    regionCode(row.buyerCreditCode),
    row.field,
    yuan(row.receivedFen),
    row.baseName,
    row.status,
    row.verification,
    row.id,
  ];
}

/** Amount columns (1-based): XLSX numbers formatted #,##0.00. */
const AMOUNT_COLUMNS = new Set([
  SHEET_COLUMNS.findIndex((c) => c.column === 'contractAmount') + 1,
  SHEET_COLUMNS.findIndex((c) => c.column === 'techTransactionAmount') + 1,
  EXPORT_HEADERS.indexOf('实际到账(元)') + 1,
]);

/** Waits for the reader to take what was written, so that a slow client slows the export instead of filling memory. */
async function drained(stream: PassThrough): Promise<void> {
  if (stream.writableNeedDrain) await once(stream, 'drain');
}

/**
 * The deals as UTF-8 CSV with a BOM (so that Excel in China opens it as UTF-8), written to the
 * returned stream batch by batch as `batches` yields them: memory holds one batch.
 */
export function exportCsv(batches: AsyncIterable<readonly ExportRow[]>): PassThrough {
  const out = new PassThrough();
  void (async () => {
    out.write(UTF8_BOM);
    out.write(csvLine(EXPORT_HEADERS));
    for await (const rows of batches) {
      out.write(rows.map((row) => csvLine(cells(row))).join(''));
      await drained(out);
    }
    out.end();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

/** One worksheet, streamed (exceljs's WorkbookWriter): amounts as numbers formatted #,##0.00, read back exactly. */
export function exportXlsx(batches: AsyncIterable<readonly ExportRow[]>): PassThrough {
  const out = new PassThrough();
  void (async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet('技术合同');
    for (const column of AMOUNT_COLUMNS) sheet.getColumn(column).numFmt = '#,##0.00';
    sheet.addRow(EXPORT_HEADERS).commit();
    for await (const rows of batches) {
      for (const row of rows) {
        sheet.addRow(cells(row).map((value, i) => (AMOUNT_COLUMNS.has(i + 1) && value !== null ? Number(value) : value))).commit();
      }
      await drained(out);
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

/** What the template's second sheet says about each column. */
const TEMPLATE_NOTES: readonly [string, string][] = [
  ['合同名称', '可选'],
  ['合同类型', '技术开发、技术转让、技术许可、技术咨询、技术服务（或 development、transfer、licence、consulting、service）'],
  ['合同成交额(元)', '如 1500000.00 或 1,500,000'],
  ['技术交易额(元)', '不超过合同成交额'],
  ['签订日期', '2026-05-01、2026/5/1 或 2026年5月1日'],
  ['卖方', '单位名称'],
  ['卖方统一社会信用代码', '18位；平台上没有的单位将以“待审核”身份加入'],
  ['买方', '单位名称'],
  ['买方统一社会信用代码', '18位'],
  ['登记编号', '可选；14至24位数字或大写字母'],
  ['技术领域', '领域名称或代码，见 GET /fields'],
];

/** The import's header row alone, as UTF-8 CSV with a BOM. */
export function templateCsv(): Buffer {
  return Buffer.concat([UTF8_BOM, Buffer.from(csvLine(SHEET_COLUMNS.map((c) => c.chinese)), 'utf8')]);
}

/** The header row on the first sheet (the one the import reads), and what each column takes on a second. */
export async function templateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('技术合同');
  sheet.addRow(SHEET_COLUMNS.map((c) => c.chinese));
  sheet.getRow(1).font = { bold: true };
  const notes = workbook.addWorksheet('填写说明');
  notes.addRow(['列', '填写要求']);
  for (const note of TEMPLATE_NOTES) notes.addRow([...note]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
