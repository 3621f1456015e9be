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
