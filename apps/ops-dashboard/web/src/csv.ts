/** One column of an export: its header and how to read a row's value. */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
}

/**
 * RFC 4180 quoting: a field with a comma, a double quote, CR or LF is quoted, its quotes doubled. A text
 * that a spreadsheet would run as a formula (=, +, -, @, tab, CR first: names are the merchants' own
 * words) is prefixed with an apostrophe, which Excel shows as text (OWASP "CSV injection").
 */
function field(value: string | number | boolean | null | undefined): string {
  const raw = value === null || value === undefined ? '' : String(value);
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV text of `rows` (RFC 4180: CRLF line ends, a header line), starting with a UTF-8 byte order mark
 * so that Excel reads Chinese names as UTF-8 rather than the system's code page.
 */
export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const lines = [columns.map((c) => field(c.header)), ...rows.map((row) => columns.map((c) => field(c.value(row))))];
  return `\uFEFF${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}
