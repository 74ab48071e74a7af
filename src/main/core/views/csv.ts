/**
 * CSV as RFC 4180 describes it: CRLF after every record, a field quoted when
 * it holds a comma, a double quote, CR or LF, with its quotes doubled.
 */

/** A cell as the exporters hand it over: null is a value nobody recorded. */
export type CsvCell = string | number | null;

export const CSV_LINE_END = '\r\n';

// A spreadsheet reads a cell starting with one of these as a formula (or, for
// tab and CR, strips them and reads what follows). OWASP's list.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field. Every cell gets the same formula guard, numbers included: the
 * numbers exported are never negative, so the guard never touches one, and a
 * single rule is easier to trust than a rule per type.
 *
 * Null is an empty field; an empty string is `""`, so the two stay apart for
 * readers that tell them apart (PostgreSQL's COPY does).
 */
export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  let text = String(cell);
  if (text === '') return '""';
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, line end included. */
export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}${CSV_LINE_END}`;
}
