/**
 * CSV for spreadsheets (RFC 4180): UTF-8 with a byte-order mark so Excel reads Czech letters right, CRLF line
 * ends, a cell quoted when it holds a comma, a quote or a line break. A text cell that a spreadsheet would
 * take for a formula (it starts with = + - @, a tab or a carriage return) gets a leading apostrophe, so a
 * comment like "=HYPERLINK(…)" stays text. Pure.
 */

export type CsvCell = string | number | null;

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers as they are, null as empty, text neutralised and quoted as needed. */
export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: the byte-order mark, then each row's cells joined by commas, each row ended by CRLF. */
export function toCsv(rows: CsvCell[][]): string {
  return BOM + rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
}
