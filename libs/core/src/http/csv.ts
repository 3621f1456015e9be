/** The byte order mark that makes Excel in China open a CSV file as UTF-8 (without it, it assumes GBK). */
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A CSV cell: quoted when it holds a quote, a comma or a line break; null is empty. */
const csvCell = (value: string | null) => (value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** One CSV line, CRLF-terminated (RFC 4180, as Excel writes it). */
export const csvLine = (values: readonly (string | null)[]): string => `${values.map(csvCell).join(',')}\r\n`;
