/**
 * CSV for spreadsheets (RFC 4180): UTF-8 with a byte-order mark so Excel reads Czech letters right, CRLF line
 * ends, a cell quoted when it holds the delimiter, a quote or a line break. A text cell that a spreadsheet would
 * take for a formula (it starts with = + - @, a tab or a carriage return) gets a leading apostrophe, so a
 * comment like "=HYPERLINK(…)" stays text. Two dialects: `,` with a decimal point (English spreadsheets), and
 * `;` with a decimal comma, which is what a spreadsheet set to Czech expects. Pure.
 */

export type CsvCell = string | number | null;

/** How the cells are separated and how a decimal number is written. */
export interface CsvDialect {
  delimiter: ',' | ';';
  decimalSeparator: '.' | ',';
}

/** The dialect of English spreadsheets (and of RFC 4180). */
export const COMMA_DIALECT: CsvDialect = { delimiter: ',', decimalSeparator: '.' };
/** The dialect of Czech (and most continental) spreadsheets: `;` between cells, `,` before decimals. */
export const SEMICOLON_DIALECT: CsvDialect = { delimiter: ';', decimalSeparator: ',' };

/** The dialect a spreadsheet in this language opens without an import wizard. */
export function dialectForLanguage(language: 'cs' | 'en'): CsvDialect {
  return language === 'cs' ? SEMICOLON_DIALECT : COMMA_DIALECT;
}

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers in the dialect's decimal notation, null as empty, text neutralised and quoted as needed. */
export function csvCell(value: CsvCell, dialect: CsvDialect = COMMA_DIALECT): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value).replace('.', dialect.decimalSeparator);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  const needsQuotes = text.includes(dialect.delimiter) || /["\r\n]/.test(text);
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: the byte-order mark, then each row's cells joined by the delimiter, each row ended by CRLF. */
export function toCsv(rows: CsvCell[][], dialect: CsvDialect = COMMA_DIALECT): string {
  return BOM + rows.map((row) => row.map((cell) => csvCell(cell, dialect)).join(dialect.delimiter) + '\r\n').join('');
}
