import ExcelJS from 'exceljs';
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
  fieldName: string;
  baseName: string;
  status: string;
  verification: string;
}

const EXTRA = ['实际到账(元)', '基地', '状态', '核验', '编号'] as const;
export const EXPORT_HEADERS = [...SHEET_COLUMNS.map((c) => c.chinese), ...EXTRA];

/** Fen as yuan text with two decimals, exactly. */
const yuan = (fen: string) => {
  const value = BigInt(fen);
  return `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`;
};

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
  return [...SHEET_COLUMNS.map((c) => byColumn[c.column]), yuan(row.receivedFen), row.baseName, row.status, row.verification, row.id];
}

const csvCell = (value: string | null) => (value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** UTF-8 with a BOM, so that Excel in China opens it as UTF-8. */
export function exportCsv(rows: readonly ExportRow[]): Buffer {
  const lines = [EXPORT_HEADERS, ...rows.map(cells)].map((line) => line.map(csvCell).join(','));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

/** One worksheet; amounts as numbers formatted #,##0.00 (yuan with two decimals read back exactly). */
export async function exportXlsx(rows: readonly ExportRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('技术合同');
  sheet.addRow(EXPORT_HEADERS);
  const amountColumns = new Set([2, 3, SHEET_COLUMNS.length].map((i) => i + 1));
  for (const row of rows) {
    const values = cells(row).map((value, i) => (amountColumns.has(i + 1) && value !== null ? Number(value) : value));
    sheet.addRow(values);
  }
  for (const column of amountColumns) sheet.getColumn(column).numFmt = '#,##0.00';
  return Buffer.from(await workbook.xlsx.writeBuffer());
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
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${SHEET_COLUMNS.map((c) => c.chinese).join(',')}\r\n`, 'utf8')]);
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
